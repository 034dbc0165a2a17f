import { stringify } from 'csv-stringify/sync';
import type { Report } from '../../shared/report.ts';
import { statsRows } from './rows.ts';

/** The pair's item-level figures: rows of their own, their reasons off the overall row's note. */
const ITEM_LEVEL = new Set(['calibrated', 'sequential', 'lengthControlled', 'styleControlled']);

type CsvRow = Record<string, string | number>;

const notes = (entries: Array<[string, unknown]>) =>
  entries
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('; ');

/**
 * One row per pair and item-level figure, after the breakdown rows (so those stay as they were):
 * breakdown `calibrated`, `sequential` or `length_controlled`, its rate and interval, and what it
 * rests on in `items` and `note`; the verdict counts and tests do not apply and stay empty.
 */
function itemLevelRows(report: Report): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const p of report.pairs) {
    const row = (
      breakdown: string,
      method: string,
      fig: { winRate?: number | null; ci: readonly [number, number] | null } | null,
      items: number | '',
      note: string,
    ): CsvRow => ({
      a: p.a,
      b: p.b,
      breakdown,
      group: '',
      n: '',
      wins: '',
      losses: '',
      ties: '',
      items,
      win_rate: fig?.winRate ?? '',
      se: '',
      ci_low: fig?.ci?.[0] ?? '',
      ci_high: fig?.ci?.[1] ?? '',
      ci_method: method,
      ci_level: report.ci.level,
      ties_mode: report.ties,
      p_value: '',
      p_test: '',
      note,
    });
    const { calibrated: c, sequential: s, lengthControlled: l, styleControlled: st } = p;
    if (c !== undefined)
      rows.push(
        row(
          'calibrated',
          'ppi++',
          c,
          c ? c.nHuman + c.nLlm : '',
          c
            ? notes([
                ['nHuman', c.nHuman],
                ['nLlm', c.nLlm],
                ['lambda', c.lambda ?? undefined],
                ...Object.entries(c.reasons),
              ])
            : notes([['calibrated', p.reasons.calibrated]]),
        ),
      );
    if (s !== undefined)
      rows.push(
        row(
          'sequential',
          'confidence-sequence',
          s,
          s ? s.items : '',
          s
            ? notes([
                ['decided', s.decided ?? 'none'],
                ['halfWidth', s.halfWidth],
              ])
            : notes([['sequential', p.reasons.sequential]]),
        ),
      );
    if (l !== undefined)
      rows.push(
        row(
          'length_controlled',
          'length-controlled-bootstrap',
          l,
          '',
          l
            ? notes([
                ['lengthCoefficient', l.lengthCoefficient ?? undefined],
                ...Object.entries(l.reasons),
              ])
            : notes([['lengthControlled', p.reasons.lengthControlled]]),
        ),
      );
    if (st !== undefined)
      rows.push(
        row(
          'style_controlled',
          'style-controlled-bootstrap',
          st,
          '',
          st
            ? notes([
                ...Object.entries(st.coefficients ?? {}).map(
                  ([f, v]) => [`${f}Coefficient`, v ?? undefined] as [string, number | undefined],
                ),
                ...Object.entries(st.reasons),
              ])
            : notes([['styleControlled', p.reasons.styleControlled]]),
        ),
      );
  }
  return rows;
}

/** One row per pair × breakdown group, tidy for pandas / R; empty cells are uncomputable. */
export function formatCsv(report: Report): string {
  const rows: CsvRow[] = statsRows(report).map((r) => ({
    a: r.a,
    b: r.b,
    breakdown: r.breakdown,
    group: r.group,
    n: r.stats.n,
    wins: r.stats.wins,
    losses: r.stats.losses,
    ties: r.stats.ties,
    items: r.stats.items,
    win_rate: r.stats.winRate ?? '',
    se: r.stats.se ?? '',
    ci_low: r.stats.ci?.[0] ?? '',
    ci_high: r.stats.ci?.[1] ?? '',
    ci_method: r.stats.ciMethod,
    ci_level: report.ci.level,
    ties_mode: report.ties,
    p_value: r.stats.pValue ?? '',
    p_test: r.stats.pTest,
    note: Object.entries(r.stats.reasons)
      .filter(([k]) => !ITEM_LEVEL.has(k))
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  }));
  rows.push(...itemLevelRows(report));
  return stringify(rows, {
    header: true,
    // a name beginning =, +, - or @ is written after a ' so a spreadsheet shows it as text, not a
    // formula it runs (OWASP's CSV injection); numbers, negative ones too, are written as they are
    escape_formulas: true,
    // a name already beginning with ' gets another, so that stripping one leading ' (the README's
    // advice) gives every name back: '-v2 and -v2 were both written '-v2
    cast: { string: (v: string) => (v.startsWith("'") ? `'${v}` : v) },
    columns: [
      'a',
      'b',
      'breakdown',
      'group',
      'n',
      'wins',
      'losses',
      'ties',
      'items',
      'win_rate',
      'se',
      'ci_low',
      'ci_high',
      'ci_method',
      'ci_level',
      'ties_mode',
      'p_value',
      'p_test',
      'note',
    ],
  });
}
