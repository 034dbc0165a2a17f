import type { Report } from '../../shared/report.ts';
import { latexTables } from './format-latex.ts';

/**
 * The identity-leak section of a report's text formats (docs/integrity.md): per system, how many
 * of its comparisons were held, redacted, excluded or released. Null for a report without it
 * (files) or a study where nothing was flagged.
 */
export const INTEGRITY_TITLE = 'Identity leaks';

export const INTEGRITY_NOTE =
  'Comparisons showing an output that names a system, a model or a vendor (docs/integrity.md): held out of the queue until the admin decides, judged on a redaction, excluded from the queue and from this report, or released as written; a comparison counts for both its systems.';

export function integrityTable(report: Report): [string[], string[][]] | null {
  const rows = report.integrity;
  if (!rows || rows.every((r) => r.held + r.redacted + r.excluded + r.released === 0)) return null;
  return [
    ['system', 'held', 'redacted', 'excluded', 'released'],
    rows.map((r) => [
      r.system,
      String(r.held),
      String(r.redacted),
      String(r.excluded),
      String(r.released),
    ]),
  ];
}

type Table = (header: string[], rows: string[][]) => string;

/** The Markdown section: a heading, the note and the table. */
export function integrityMarkdown(report: Report, table: Table): string[] {
  const t = integrityTable(report);
  return t ? [`## ${INTEGRITY_TITLE}`, '', INTEGRITY_NOTE, '', table(...t), ''] : [];
}

/** The HTML section, with the format's own escaping and table. */
export function integrityHtml(report: Report, esc: (s: string) => string, table: Table): string[] {
  const t = integrityTable(report);
  return t
    ? [`<h2>${INTEGRITY_TITLE}</h2>`, `<p class="note">${esc(INTEGRITY_NOTE)}</p>`, table(...t)]
    : [];
}

/** The LaTeX table (booktabs), captioned with the note. */
export function integrityLatex(report: Report, esc: (s: string) => string): string[] {
  const t = integrityTable(report);
  if (!t) return [];
  const [header, rows] = t;
  return latexTables({
    columns: 'lrrrr',
    header: [`${header.map(esc).join(' & ')} \\\\`],
    blocks: rows.map((r) => ({ rows: [`${r.map(esc).join(' & ')} \\\\`] })),
    separate: false,
    caption: `${esc(INTEGRITY_TITLE)}. ${esc(INTEGRITY_NOTE)}`,
    continuedCaption: `${esc(INTEGRITY_TITLE)}, continued.`,
  });
}
