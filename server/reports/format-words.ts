import type { Report } from '../../shared/report.ts';

/** Phrases the text formats share, so the table, Markdown, LaTeX and HTML captions say the same. */

/**
 * The caption of a pair's item-level estimates (calibrated, sequential, length- and
 * style-controlled): what sets them apart from the rows above, so a reader does not take one for
 * another.
 */
export const ESTIMATES_NOTE =
  'Item-level estimates: human-only and LLM-only rates; the human win rate calibrated from both (PPI++, items as units); an anytime-valid confidence sequence over items in completion order (valid however often it is looked at, so the study may stop once it excludes 50%); the rate at equal output lengths (length-controlled GLM, bootstrap over items); the rate at equal style (style-controlled: length, headers, lists and bold of the two outputs, bootstrap over items).';

/**
 * The report's provenance in one line for the end of a document (the version, the verdicts' hash
 * prefix, the seed): enough to match a printed report with its JSON. Null for a report JSON from
 * before provenance existed.
 */
export function provenanceText(report: Report): string | null {
  const p = report.provenance;
  if (!p) return null;
  const verb = p.input && 'files' in p.input ? 'stats' : 'report';
  return `TraceArena ${p.tracearena}, ${p.verdicts.count} verdicts (SHA-256 ${p.verdicts.sha256.slice(0, 12)}…), seed ${p.seed}; recompute with tracearena ${verb} --replay on the report JSON.${basisText(report)}`;
}

/** Which verdicts a study's report counted (docs/qualification.md), as a sentence; empty for files. */
export function basisText(report: Report): string {
  const b = report.verdictBasis;
  if (!b) return '';
  const n = `${b.adjudicatedComparisons} comparison${b.adjudicatedComparisons === 1 ? '' : 's'}`;
  return b.basis === 'adjudicated'
    ? ` Computed with adjudication: ${n} count${b.adjudicatedComparisons === 1 ? 's' : ''} the adjudicated verdict instead of the judges' verdicts.`
    : ` Computed on the original verdicts (${n} adjudicated, not applied).`;
}

/** The label of a report whose options differ from its study's locked plan (docs/plan.md). */
export const DEVIATES = 'Deviates from the locked plan';

/**
 * The report against its study's locked analysis plan in one line (docs/plan.md): "Deviates from
 * the locked plan (SHA-256 …): level: planned 0.95, used 0.9; …", or that it follows the plan;
 * null for a report without a plan (files, an unplanned study).
 */
export function planText(report: Report): string | null {
  const plan = report.plan;
  if (!plan) return null;
  const hash = `SHA-256 ${plan.sha256.slice(0, 12)}…${plan.forced ? ', locked after judging had started' : ''}`;
  if (!plan.deviates) return `Follows the locked analysis plan (${hash}).`;
  const what = plan.deviations
    .map((d) => `${d.field}: planned ${d.planned}, used ${d.used}`)
    .join('; ');
  return `${DEVIATES} (${hash}): ${what}.`;
}

/**
 * A report's text with control characters but the line feed (a tab becomes a space) and the
 * bidirectional embeddings, overrides and isolates shown as `<U+XXXX>`: a name is the user's, and
 * one holding an ANSI escape could erase a terminal line, one holding U+202E reverse every figure
 * after it on a page (the table and HTML formats).
 */
export function visibleControls(s: string): string {
  return s
    .replaceAll('\t', ' ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
      const code = (c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
      return `<U+${code}>`;
    });
}
