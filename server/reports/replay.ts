import { reportSchema, type Report, type ReportOptions } from '../../shared/report.ts';

/** One figure that differs between a report and its replay. */
export interface ReplayDifference {
  /** JSON path, e.g. `pairs[0].winRate` or `provenance.verdicts.sha256`. */
  path: string;
  old: unknown;
  new: unknown;
}

/** A report file's text as a report, or the problem as one line. */
export function parseReportText(text: string): Report | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON (${(err as Error).message})` };
  }
  const parsed = reportSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return {
    error: `not a report: field '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? 'invalid'}`,
  };
}

/**
 * The options the report was made with: its provenance block's, or, for a report made before
 * provenance existed, the same options read back from the figures' own fields.
 */
export function replayOptions(report: Report): ReportOptions {
  if (report.provenance) return report.provenance.options;
  const { method, level, rounds, seed } = report.ci;
  const base = report.rankingInfo.base;
  return {
    ci: method,
    ties: report.ties,
    level,
    rounds,
    seed,
    ranking: report.rankingInfo.model,
    ...(base === null ? {} : { base }),
  };
}

/**
 * Where the replay may differ without a figure differing: the version that made it (told apart as
 * a note), how its input was named (a study found under --study, files at other paths) and the
 * study's identity-leak holds (its state now, not figures of the verdicts: docs/integrity.md).
 */
const NOT_FIGURES = new Set(['provenance.tracearena', 'provenance.input', 'integrity']);
/** Sections a report JSON made before they existed lacks. */
const OPTIONAL_SECTIONS = new Set(['provenance', 'sensitivity']);
/**
 * Sections only a study's report has: which of its verdicts it counted (verdictBasis). `stats` on
 * the study's export has no study to ask, so a replay from files compares the figures alone.
 */
const STUDY_SECTIONS = new Set(['verdictBasis']);

/** Every leaf of `older` and `newer` that differs, in document order. */
export function diffReports(older: Report, newer: Report): ReplayDifference[] {
  const out: ReplayDifference[] = [];
  const walk = (x: unknown, y: unknown, path: string) => {
    // a report from before provenance (or the sensitivity analyses) existed has none to
    // compare: its figures decide
    if (
      NOT_FIGURES.has(path) ||
      (OPTIONAL_SECTIONS.has(path) && x === undefined) ||
      (STUDY_SECTIONS.has(path) && y === undefined)
    )
      return;
    if (isTree(x) && isTree(y) && Array.isArray(x) === Array.isArray(y)) {
      const keys = Array.isArray(x)
        ? Array.from({ length: Math.max(x.length, (y as unknown[]).length) }, (_, k) => k)
        : [...new Set([...Object.keys(x), ...Object.keys(y)])];
      for (const k of keys) {
        const child = typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
        walk(
          (x as Record<string | number, unknown>)[k],
          (y as Record<string | number, unknown>)[k],
          child,
        );
      }
      return;
    }
    // numbers compare exactly: the same verdicts, options and seed give the same bits
    if (!Object.is(x, y) && JSON.stringify(x) !== JSON.stringify(y))
      out.push({ path, old: x, new: y });
  };
  walk(older, newer, '');
  return out;
}

function isTree(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null;
}

/** A difference as one line: `path: old -> new` (JSON values; "(absent)" for a missing one). */
export function differenceLine(d: ReplayDifference): string {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${d.path}: ${show(d.old)} -> ${show(d.new)}`;
}
