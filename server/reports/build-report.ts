import {
  reportOptionsSchema,
  reportSchema,
  type PairReport,
  type PairStats,
  type ProvenanceInput,
  type Report,
  type ReportOptionsInput,
  levelPercent,
} from '../../shared/report.ts';
import type { LockedPlan } from '../../shared/plan.ts';
import type { HoldCounts } from '../../shared/integrity-api.ts';
import type { SummaryOptions } from '../stats/pair-summary.ts';
import { createRng } from '../stats/rng.ts';
import { buildAgreement, collectUnits } from './agreement.ts';
import { buildBias } from './bias.ts';
import { calibratedFigure } from './calibrated.ts';
import { competenceFigure } from './competence.ts';
import { planCheck } from './plan-check.ts';
import { reportProvenance, verdictsHashOffThread } from './provenance.ts';
import { bucket, groupBy, take } from './figures.ts';
import { lengthControlledFigure } from './length-controlled.ts';
import { styleControlledFigure } from './style-controlled.ts';
import { itemSlots, pairItems } from './pair-items.ts';
import { subsetStats } from './pair-stats.ts';
import { buildRanking } from './ranking.ts';
import { sequentialFigure } from './sequential.ts';
import { oneLine } from '../files/record-error.ts';
import { JUDGE_KINDS, type VerdictTable } from './verdict-table.ts';

/**
 * The report of a set of verdicts: every pair's win rate with its interval and sign test, broken
 * down by axis, judge kind, modality and judge, with the item-level figures beside it (the
 * human-calibrated LLM rate, the anytime-valid sequence, the length- and style-controlled rates); the
 * Bradley–Terry ranking; agreement; biases.
 * The CLI's `stats` and `report` verbs and the HTTP route all come through here; `input` names
 * the study or files in the report's provenance block; `plan`, the study's locked analysis plan,
 * puts its hash in the provenance and the report's deviations from it in `plan` (docs/plan.md).
 */
export function buildReport(
  t: VerdictTable,
  options: ReportOptionsInput = {},
  input: ProvenanceInput = null,
  plan: LockedPlan | null = null,
  verdictsSha256?: string,
): Report {
  const opts = reportOptionsSchema.parse(options);
  const scratch = { sum: new Float64Array(t.items.size), count: new Float64Array(t.items.size) };
  const { start, order } = groupBy(t.pair, t.length, t.pairs.length);
  const slots = itemSlots(t);
  const pairs: PairReport[] = t.pairs.map(([a, b], p) => {
    const aName = t.systems.names[a] as string;
    const bName = t.systems.names[b] as string;
    const indices = order.subarray(start[p] as number, start[p + 1] as number);
    const summaryOpts = (key: string): SummaryOptions => ({
      ci: opts.ci,
      ties: opts.ties,
      level: opts.level,
      rounds: opts.rounds,
      rng: () => createRng(opts.seed, `${aName}\u0000${bName}\u0000${key}`),
    });
    const stats = (idx: ArrayLike<number>, score: Float64Array, key: string): PairStats =>
      subsetStats(idx, score, t.item, scratch, summaryOpts(key));
    const overall = stats(indices, t.score, 'overall');
    const byAxis: Record<string, PairStats> = {};
    t.axes.names.forEach((axis, ax) => {
      const scores = t.axisScore[ax] as Float64Array;
      let any = false;
      for (const i of indices) if (!Number.isNaN(scores[i] as number)) any = true;
      if (any) byAxis[axis] = stats(indices, scores, `axis:${axis}`);
    });
    const named = (
      groups: Map<number, Int32Array>,
      names: readonly string[],
      prefix: string,
    ): Record<string, PairStats> => {
      const out: Record<string, PairStats> = {};
      for (const k of [...groups.keys()].sort((x, y) =>
        (names[x] as string).localeCompare(names[y] as string),
      )) {
        out[names[k] as string] = stats(
          groups.get(k) as Int32Array,
          t.score,
          `${prefix}:${names[k]}`,
        );
      }
      return out;
    };
    const items = pairItems(t, indices, opts.ties, slots);
    const lengthRng = createRng(opts.seed, `${aName}\u0000${bName}\u0000length-controlled`);
    return {
      a: aName,
      b: bName,
      ...overall,
      byAxis,
      byJudgeKind: named(bucket(indices, t.judgeKind), JUDGE_KINDS, 'kind'),
      byModality: named(bucket(indices, t.modality), t.modalities.names, 'modality'),
      byJudge: named(bucket(indices, t.judge), t.judges.names, 'judge'),
      // a null figure's reason joins the pair's reasons, as the pair's own figures' do
      calibrated: take(calibratedFigure(items, opts.level), 'calibrated', overall.reasons),
      sequential: take(sequentialFigure(items, opts.level), 'sequential', overall.reasons),
      lengthControlled: take(
        lengthControlledFigure(items, { level: opts.level, rounds: opts.rounds, rng: lengthRng }),
        'lengthControlled',
        overall.reasons,
      ),
      styleControlled: take(
        styleControlledFigure(items, {
          level: opts.level,
          rounds: opts.rounds,
          rng: createRng(opts.seed, `${aName}\u0000${bName}\u0000style-controlled`),
        }),
        'styleControlled',
        overall.reasons,
      ),
    };
  });
  const ranking = buildRanking(t, opts);
  const units = collectUnits(t);
  const report: Report = {
    version: 1,
    ci: { method: opts.ci, level: opts.level, rounds: opts.rounds, seed: opts.seed },
    ties: opts.ties,
    input: {
      verdicts: t.length,
      items: t.items.size,
      systems: [...t.systems.names],
      judges: t.judges.size,
      skipped: t.skipped,
      warnings: [...t.warnings, ...roundsWarning(opts)],
    },
    pairs,
    ranking: ranking.entries,
    rankingInfo: ranking.info,
    agreement: buildAgreement(t, units),
    bias: buildBias(t, units, opts),
    sensitivity: sensitivity(competenceFigure(t, opts)),
    provenance: reportProvenance(t, opts, input, plan?.sha256 ?? null, verdictsSha256),
    ...(plan ? { plan: planCheck(plan, opts, pairs) } : {}),
  };
  return checkReport(report);
}

/**
 * buildReport with the verdicts' hash computed on a worker thread while the statistics run
 * (provenance.ts verdictsHashOffThread): the same report, sooner on a large file. The report is
 * assembled with a stand-in hash of the right form and given the real one when it is in.
 */
export async function buildReportHashingAside(
  t: VerdictTable,
  options: ReportOptionsInput = {},
  input: ProvenanceInput = null,
  plan: LockedPlan | null = null,
): Promise<Report> {
  const hashing = verdictsHashOffThread(t);
  let report: Report;
  try {
    report = buildReport(t, options, input, plan, '0'.repeat(64));
  } catch (err) {
    hashing.cancel();
    throw err;
  }
  report.provenance!.verdicts.sha256 = await hashing.result;
  return report;
}

/** The sensitivity analyses beside the main figures: the judge-competence model. */
function sensitivity(competence: ReturnType<typeof competenceFigure>): Report['sensitivity'] {
  const reasons: Record<string, string> = {};
  return { competence: take(competence, 'competence', reasons), reasons };
}

/**
 * A computed report that fails the report schema: a bug in TraceArena, never bad input. Its
 * message is one line naming the first failing field and its value, not zod's issue dump.
 */
export class ReportSchemaError extends Error {
  constructor(
    /** Dotted path of the first failing field, e.g. `agreement.krippendorffAlpha.values`. */
    readonly field: string,
    /** The value found there, as (shortened) JSON. */
    readonly value: string,
    readonly reason: string,
  ) {
    super(
      oneLine(
        `bug: the computed report fails its own schema at field '${field}' (value ${value}): ${reason}; please report it with the command and input that produced it`,
      ),
    );
    this.name = 'ReportSchemaError';
  }
}

/** Validates a computed report against the report schema; throws ReportSchemaError. */
export function checkReport(report: unknown): Report {
  const parsed = reportSchema.safeParse(report);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const path = issues[0]?.path ?? [];
  let value: unknown = report;
  for (const key of path)
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined;
  const shown = JSON.stringify(value) ?? String(value);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : '';
  throw new ReportSchemaError(
    path.map(String).join('.'),
    shown.length > 60 ? `${shown.slice(0, 57)}...` : shown,
    `${issues[0]?.message ?? 'invalid'}${more}`,
  );
}

/** What a study's report is computed from, read by studyReportInputs (study-report.ts). */
export interface StudyReportInputs {
  table: VerdictTable;
  plan: LockedPlan | null;
  integrity: HoldCounts[];
  adjudicatedComparisons: number;
}

/** A study's report with the study state it carries beside the figures (see studyReportInputs). */
export function withStudyState(
  report: Report,
  {
    integrity,
    adjudicatedComparisons,
  }: Pick<StudyReportInputs, 'integrity' | 'adjudicatedComparisons'>,
  adjudicated: boolean,
): Report {
  return {
    ...report,
    integrity,
    verdictBasis: { basis: adjudicated ? 'adjudicated' : 'original', adjudicatedComparisons },
  };
}

/**
 * A percentile bootstrap needs at least 2/(1 − level) rounds for its tails to fall between
 * resamples at all (40 at 95%): with fewer, every bootstrap interval of the report (the ranking's
 * always) is set by its one or two most extreme rounds. Said once, as an input warning.
 */
function roundsWarning(opts: { rounds: number; level: number }): string[] {
  const needed = Math.ceil(2 / (1 - opts.level) - 1e-9);
  return opts.rounds < needed
    ? [
        `${opts.rounds} bootstrap ${opts.rounds === 1 ? 'round is' : 'rounds are'} too few for ${levelPercent(opts.level)}% percentile intervals (at least ${needed}; the default is 2000): the ranking's and other bootstrap intervals are rough`,
      ]
    : [];
}
