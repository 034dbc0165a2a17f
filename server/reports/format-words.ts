import type { Report } from '../../shared/report.ts';

/** Phrases the text formats share, so the table, Markdown, LaTeX and HTML captions say the same. */

/**
 * What the ranking's 0 is: "<base> fixed at 0". Never "base <name> = 0", which read "base base = 0"
 * for a system named "base".
 */
export function anchorText(base: string | null): string {
  return base === null ? 'no base system' : `${base} fixed at 0`;
}

/**
 * The caption of a pair's item-level estimates (calibrated, sequential, length-controlled): what
 * sets them apart from the rows above, so a reader does not take one for another.
 */
export const ESTIMATES_NOTE =
  'Item-level estimates: human-only and LLM-only rates; the human win rate calibrated from both (PPI++, items as units); an anytime-valid confidence sequence over items in completion order (valid however often it is looked at, so the study may stop once it excludes 50%); the rate at equal output lengths (length-controlled GLM, bootstrap over items).';

/**
 * The report's provenance in one line for the end of a document (the version, the verdicts' hash
 * prefix, the seed): enough to match a printed report with its JSON. Null for a report JSON from
 * before provenance existed.
 */
export function provenanceText(report: Report): string | null {
  const p = report.provenance;
  if (!p) return null;
  const verb = p.input && 'files' in p.input ? 'stats' : 'report';
  return `TraceArena ${p.tracearena}, ${p.verdicts.count} verdicts (SHA-256 ${p.verdicts.sha256.slice(0, 12)}…), seed ${p.seed}; recompute with tracearena ${verb} --replay on the report JSON.`;
}
