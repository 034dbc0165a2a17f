import { z } from 'zod';
import { systemNameOption } from './text.ts';

/**
 * The report JSON (DESIGN.md "Report JSON"), produced by `tracearena stats|report --format json`
 * and `GET /api/studies/:id/report`. No figure is ever NaN: a figure that cannot be computed is
 * null, and its reason sits beside it (`reasons.<field>` in flat objects, `reason` in figure
 * objects).
 */

const finite = z.number().finite();
/** A probability (a p-value): within [0, 1]; a figure outside it is a bug the report check names. */
const probability = finite.min(0).max(1);
const count = z.number().int().nonnegative();
const interval = z.tuple([finite, finite]);

export const ciMethodSchema = z.enum([
  'wilson',
  'agresti-coull',
  'exact',
  'normal',
  'bootstrap',
  'cluster-wilson',
]);
/** An interval asked for: a method, or 'auto' (the default: cluster-Wilson or Agresti–Coull). */
export const ciChoiceSchema = z.enum(['auto', ...ciMethodSchema.options]);
/** The test behind a pair's p-value: the dual of its ciMethod (docs/statistics.md). */
export const pTestSchema = z.enum([
  'score-z',
  'score-t',
  'agresti-coull',
  'exact',
  'wald',
  'bootstrap',
]);
export const tiesModeSchema = z.enum(['half', 'exclude']);
export const rankingModelSchema = z.enum(['bradley-terry', 'davidson']);

/** Options of a report: CLI flags and the HTTP route's query string (strings are coerced). */
/**
 * Which verdicts a study's report was computed on (issue 18, docs/qualification.md): the original
 * verdicts (the default), or with adjudication (`report --adjudicated`, `?adjudicated=true`), where
 * each adjudicated comparison counts its final verdict instead of its human verdicts.
 */
export const verdictBasisSchema = z.object({
  basis: z.enum(['original', 'adjudicated']),
  /** The study's comparisons with a final (adjudicated) verdict, whichever basis was used. */
  adjudicatedComparisons: z.number().int().nonnegative(),
});
export type VerdictBasis = z.infer<typeof verdictBasisSchema>;

export const reportOptionsSchema = z.object({
  ci: ciChoiceSchema.default('auto'),
  ties: tiesModeSchema.default('half'),
  /**
   * Confidence level, 0.5 to 0.999999: above that, 1 - (1 - level)/2 rounds to 1 in double precision
   * and the interval's quantile is infinite (0.9999999999999999 gave a 500); below 0.5 an
   * "interval" is narrower than a coin flip's and no report needs it.
   */
  level: z.coerce
    .number()
    .min(0.5, 'level must be between 0.5 and 0.999999')
    .max(0.999999, 'level must be between 0.5 and 0.999999')
    .default(0.95),
  rounds: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  seed: z.coerce.number().int().min(0).max(4_294_967_295).default(1),
  ranking: rankingModelSchema.default('bradley-terry'),
  /** Base system: anchors the ranking at 0 and is put on side b of each pair it is in. */
  base: systemNameOption().optional(),
});
export type ReportOptions = z.infer<typeof reportOptionsSchema>;
export type ReportOptionsInput = z.input<typeof reportOptionsSchema>;

/** Every null among `fields` must have a reason in `reasons`. */
function reasonsCover<T extends { reasons: Record<string, string> }>(
  fields: ReadonlyArray<keyof T & string>,
) {
  return (value: T, ctx: z.RefinementCtx) => {
    for (const f of fields) {
      if (value[f] === null && !value.reasons[f])
        ctx.addIssue({
          code: 'custom',
          path: ['reasons', f],
          message: `'${f}' is null without a reason`,
        });
    }
  };
}

/** A figure object: value, or null with a reason. */
function figure<S extends z.ZodRawShape>(extra: S) {
  return z
    .object({ value: finite.nullable(), reason: z.string().min(1).optional(), ...extra })
    .refine(
      (f) => {
        const v = f as { value: number | null; reason?: string };
        return v.value !== null || v.reason !== undefined;
      },
      { message: 'null figure without a reason', path: ['reason'] },
    );
}

const pairStatsShape = {
  n: count,
  wins: count,
  losses: count,
  ties: count,
  /** Distinct items with at least one included verdict. */
  items: count,
  /** a's mean score: (wins + ties/2)/n with ties half, wins/(wins + losses) with ties excluded. */
  winRate: finite.nullable(),
  /** Standard error of winRate: item-clustered when some item has several verdicts, else sample SD over √n. */
  se: finite.nullable(),
  ci: interval.nullable(),
  /** The interval actually used (auto: cluster-wilson if some item has several verdicts, else agresti-coull). */
  ciMethod: ciMethodSchema,
  /** Two-sided p-value against ½ from `pTest`, the test dual to the interval (never disagrees with it about ½). */
  pValue: probability.nullable(),
  pTest: pTestSchema,
  reasons: z.record(z.string(), z.string().min(1)),
};
const statsFields = ['winRate', 'se', 'ci', 'pValue'] as const;

export const pairStatsSchema = z.object(pairStatsShape).superRefine(reasonsCover(statsFields));
export type PairStats = z.infer<typeof pairStatsSchema>;

/**
 * The human win rate estimated from human and LLM verdicts together (prediction-powered inference,
 * PPI++, items as units; docs/statistics.md). Null, with `reasons.calibrated` on the pair, when the
 * pair lacks human or LLM verdicts.
 */
export const calibratedSchema = z
  .object({
    winRate: finite.nullable(),
    ci: interval.nullable(),
    /** Items with human and LLM verdicts. */
    nHuman: count,
    /** Items with LLM verdicts only. */
    nLlm: count,
    /** The power-tuning λ in [0, 1]: 0 is the human-only mean. */
    lambda: finite.nullable(),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['winRate', 'ci', 'lambda']));

/**
 * The anytime-valid confidence sequence of the pair's win rate over item means in the order the
 * items were completed (docs/statistics.md): valid however often it is looked at. Null, with
 * `reasons.sequential` on the pair, when no item has an included verdict.
 */
export const sequentialSchema = z.object({
  ci: interval,
  /** 'a' once the sequence lies above ½, 'b' once below; null while it holds ½. */
  decided: z.enum(['a', 'b']).nullable(),
  halfWidth: finite,
  /** Items seen. */
  items: count,
});

/**
 * a's win rate predicted at zero length difference (AlpacaEval's length-controlled GLM refitted on
 * the pair's items; docs/statistics.md). Null, with `reasons.lengthControlled` on the pair, when no
 * verdict has both output lengths.
 */
export const lengthControlledSchema = z
  .object({
    winRate: finite.nullable(),
    ci: interval.nullable(),
    /** Log-odds of a win per unit of tanh(length difference / its SD). */
    lengthCoefficient: finite.nullable(),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['winRate', 'ci', 'lengthCoefficient']));

/**
 * a's win rate predicted at zero style difference (Chatbot Arena's style control: a logistic model
 * on the normalised, SD-scaled differences in length, headers, list items and bold spans of the
 * item's two outputs, refitted on the pair's items; docs/statistics.md). Null, with
 * `reasons.styleControlled` on the pair, when no verdict has both outputs' style counts.
 */
export const styleControlledSchema = z
  .object({
    winRate: finite.nullable(),
    ci: interval.nullable(),
    /** Log-odds of a win per SD of each feature's normalised difference (null: never differs). */
    coefficients: z
      .object({
        length: finite.nullable(),
        headers: finite.nullable(),
        lists: finite.nullable(),
        bold: finite.nullable(),
      })
      .nullable(),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['winRate', 'ci', 'coefficients']));

export const pairReportSchema = z
  .object({
    a: z.string(),
    b: z.string(),
    ...pairStatsShape,
    byAxis: z.record(z.string(), pairStatsSchema),
    byJudgeKind: z.record(z.string(), pairStatsSchema),
    byModality: z.record(z.string(), pairStatsSchema),
    byJudge: z.record(z.string(), pairStatsSchema),
    // optional: a report JSON written before these figures existed still parses
    calibrated: calibratedSchema.nullable().optional(),
    sequential: sequentialSchema.nullable().optional(),
    lengthControlled: lengthControlledSchema.nullable().optional(),
    styleControlled: styleControlledSchema.nullable().optional(),
  })
  .superRefine(
    reasonsCover([
      ...statsFields,
      'calibrated',
      'sequential',
      'lengthControlled',
      'styleControlled',
    ]),
  );
export type PairReport = z.infer<typeof pairReportSchema>;

export const rankingEntrySchema = z
  .object({
    system: z.string(),
    /** Natural-log Bradley–Terry (or Davidson) strength; the base system is 0. */
    score: finite.nullable(),
    ci: interval.nullable(),
    /** Verdicts involving this system. */
    n: count,
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['score', 'ci']));
export type RankingEntry = z.infer<typeof rankingEntrySchema>;

export const rankingInfoSchema = z.object({
  model: rankingModelSchema,
  base: z.string().nullable(),
  rounds: count,
  /**
   * Bootstrap rounds whose resample had no finite estimate for some system. Not left out: they
   * count at ±∞ (docs/statistics.md, "Ranking intervals"), and a CI they make unbounded is null.
   */
  failedRounds: count,
  /** Davidson's tie parameter ν. */
  nu: finite.nullable(),
  reason: z.string().optional(),
});

export const agreementSchema = z.object({
  /** Comparisons (item × pair) judged by two or more judges. */
  units: count,
  raw: figure({ units: count, pairs: count }),
  cohenKappa: figure({
    judges: z.tuple([z.string(), z.string()]).nullable(),
    n: count,
    /** Judge pairs with the most shared comparisons first; at most 200 (a crowd has thousands). */
    pairwise: z.array(figure({ judges: z.tuple([z.string(), z.string()]), n: count })),
    /** How many judge pairs share a comparison (pairwise lists the first 200). */
    pairwiseTotal: count,
  }),
  fleissKappa: figure({ units: count, raters: count }),
  krippendorffAlpha: figure({ units: count, values: count }),
  /**
   * The humans' consensus vs the LLMs' on comparisons judged by both: each side's consensus is
   * the category of its judges' mean score (docs/statistics.md, "Agreement"), a majority vote only
   * where no judge tied.
   */
  humanLlm: figure({ n: count, kappa: finite.nullable(), kappaReason: z.string().optional() }),
});
export type Agreement = z.infer<typeof agreementSchema>;

export const positionBiasSchema = z
  .object({
    n: count,
    leftWins: count,
    rightWins: count,
    ties: count,
    leftWinRate: finite.nullable(),
    ci: interval.nullable(),
    pValue: probability.nullable(),
    /**
     * Always the score test (z), dual to the Wilson interval on the decisive verdicts; a report
     * JSON made before the field existed reads as having it (`report --replay`).
     */
    pTest: pTestSchema.default('score-z'),
    reasons: z.record(z.string(), z.string().min(1)),
    swap: figure({ pairs: count, consistent: count, leftBothTimes: count, rightBothTimes: count }),
  })
  .superRefine(reasonsCover(['leftWinRate', 'ci', 'pValue']));

export const lengthBinSchema = z
  .object({
    label: z.string(),
    from: finite.nullable(),
    to: finite.nullable(),
    n: count,
    winRate: finite.nullable(),
    ci: interval.nullable(),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['winRate', 'ci']));

export const lengthBiasSchema = z
  .object({
    n: count,
    /** x = ln((len_a + 1) / (len_b + 1)). */
    covariate: z.literal('log_length_ratio'),
    bins: z.array(lengthBinSchema),
    slope: finite.nullable(),
    slopeSe: finite.nullable(),
    intercept: finite.nullable(),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['slope', 'slopeSe', 'intercept']));

/**
 * Where a report came from, so that `tracearena report --replay` can recompute it
 * (docs/statistics.md, "Provenance and replay").
 */
export const provenanceSchema = z.object({
  /** The TraceArena version (package.json) that computed the report. */
  tracearena: z.string().min(1),
  /**
   * The verdicts the report was computed from: their count and a SHA-256 that does not depend on
   * their order or on which way round a pair was read (docs/statistics.md gives the recipe).
   */
  verdicts: z.object({ count, sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** The report's options, as parsed (every default filled in). */
  options: z.object({
    ci: ciChoiceSchema,
    ties: tiesModeSchema,
    level: finite,
    rounds: count,
    seed: count,
    ranking: rankingModelSchema,
    base: z.string().optional(),
  }),
  seed: count,
  /** The study (`report`, the HTTP route) or the files (`stats`); null when the caller named none. */
  input: z
    .union([
      z.object({ study: z.object({ id: z.string(), name: z.string() }) }),
      z.object({
        files: z.array(z.string()),
        /** `stats --arena-hard-baseline`: the baseline of Arena-Hard v0.1 records, which name none. */
        arenaHardBaseline: z.string().min(1).optional(),
      }),
    ])
    .nullable(),
  /** SHA-256 of the study's locked analysis plan; null while no plan is locked. */
  planHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});
export type Provenance = z.infer<typeof provenanceSchema>;
export type ProvenanceInput = Provenance['input'];

/**
 * How a study's report stands to its locked analysis plan (docs/plan.md): the plan's hash and
 * every option of the report that differs from what the plan fixed (the interval's method and
 * level, ties, the primary pair). `deviates` is true when `deviations` is not empty: the report
 * is then labelled "deviates from the locked plan" in every format.
 */
export const planCheckSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  lockedAt: z.string(),
  /** Locked after judging had started (forced). */
  forced: z.boolean(),
  deviates: z.boolean(),
  deviations: z.array(z.object({ field: z.string(), planned: z.string(), used: z.string() })),
});
export type PlanCheck = z.infer<typeof planCheckSchema>;

/**
 * The judge-competence sensitivity analysis (docs/statistics.md, "Judge competence
 * (Dawid–Skene)"): each judge's reliability estimated from the verdicts themselves by the
 * Dawid–Skene model, and each pair's win rate from the comparisons' posterior classes. Beside the
 * pairs' main figures, never instead of them.
 */
const row3 = z.tuple([finite, finite, finite]);
export const competenceJudgeSchema = z
  .object({
    judge: z.string(),
    kind: z.enum(['human', 'llm']),
    verdicts: count,
    /** The probability of giving the true class on the judge's own comparisons. */
    accuracy: finite.nullable(),
    /** Rows: the true class; columns: the class given; in `classes` order. */
    confusion: z.tuple([row3, row3, row3]),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['accuracy']));
export type CompetenceJudge = z.infer<typeof competenceJudgeSchema>;
export const competencePairSchema = z
  .object({
    a: z.string(),
    b: z.string(),
    /** Comparisons (items) of the pair. */
    comparisons: count,
    /** a's win rate from the posterior class probabilities, ties as the report's `ties`. */
    winRate: finite.nullable(),
    /** Percentile bootstrap over items, the posteriors held fixed. */
    ci: interval.nullable(),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['winRate', 'ci']));
export type CompetencePair = z.infer<typeof competencePairSchema>;
export const competenceSchema = z.object({
  model: z.literal('dawid-skene'),
  classes: z.tuple([z.literal('a'), z.literal('tie'), z.literal('b')]),
  /** Comparisons (item × pair) with a verdict: the model's units. */
  comparisons: count,
  /** Of those, judged by two or more judges. */
  sharedComparisons: count,
  iterations: count,
  converged: z.boolean(),
  tolerance: finite,
  smoothing: finite,
  /** The estimated share of comparisons in each class. */
  prior: row3,
  judges: z.array(competenceJudgeSchema),
  pairs: z.array(competencePairSchema),
});
export type Competence = z.infer<typeof competenceSchema>;
export const sensitivitySchema = z
  .object({
    competence: competenceSchema.nullable(),
    reasons: z.record(z.string(), z.string().min(1)),
  })
  .superRefine(reasonsCover(['competence']));

/**
 * A study's identity-leak holds (docs/integrity.md): per system, how many of its comparisons show
 * an output flagged for naming a system, a model or a vendor, by the admin's decision (a
 * comparison counts for both its systems). Study state beside the figures, not computed from the
 * verdicts; absent for a report from files.
 */
export const integritySummarySchema = z.array(
  z.object({
    system: z.string(),
    /** Held out of the queue, awaiting the admin. */
    held: count,
    /** Judged on the redaction stored beside the original. */
    redacted: count,
    /** Never in the queue; their verdicts are not in this report. */
    excluded: count,
    /** Judged as written, after the admin looked. */
    released: count,
  }),
);
export type IntegritySummary = z.infer<typeof integritySummarySchema>;

export const reportSchema = z.object({
  version: z.literal(1),
  ci: z.object({ method: ciChoiceSchema, level: finite, rounds: count, seed: count }),
  ties: tiesModeSchema,
  input: z.object({
    verdicts: count,
    items: count,
    systems: z.array(z.string()),
    judges: count,
    skipped: count,
    warnings: z.array(z.string()),
  }),
  pairs: z.array(pairReportSchema),
  ranking: z.array(rankingEntrySchema),
  rankingInfo: rankingInfoSchema,
  agreement: agreementSchema,
  bias: z.object({ position: positionBiasSchema, length: lengthBiasSchema }),
  // optional: a report JSON written before provenance existed still parses (and replays, with --study)
  provenance: provenanceSchema.optional(),
  // sensitivity analyses beside the main figures; optional: older report JSON still parses
  sensitivity: sensitivitySchema.optional(),
  // a study with a locked analysis plan: the report against it; absent for files and unplanned studies
  plan: planCheckSchema.optional(),
  // a study's identity-leak holds per system (docs/integrity.md); absent for files
  integrity: integritySummarySchema.optional(),
  // which verdicts a study's report counted: original (default) or with adjudication; absent for files
  verdictBasis: verdictBasisSchema.optional(),
});
export type Report = z.infer<typeof reportSchema>;

/**
 * A confidence level as a percentage for labels: 95, 97.5, 99.9 (never rounded to a whole
 * percent, which printed a 99.9% interval as "100% CI" and a 97.5% one as "98% CI").
 */
export function levelPercent(level: number): string {
  return String(Number((level * 100).toPrecision(10)));
}

/**
 * What the ranking's 0 is: "<base> fixed at 0". Never "base <name> = 0", which read "base base = 0"
 * for a system named "base".
 */
export function anchorText(base: string | null): string {
  return base === null ? 'no base system' : `${base} fixed at 0`;
}

/**
 * The ranking's note as the HTML and Markdown reports and the admin page print it: its anchor, its intervals, the bootstrap rounds
 * without a finite score, and why there are no intervals when there are none (Markdown printed
 * "— (0 rounds)" with no word of why when a system won or lost every comparison).
 */
/**
 * A ranking row's interval cell when it has none: the base's reason, or why a system with a score
 * has no interval (unbounded, zero width); a bare dash when there is no score (the note says why).
 */
export function missingRankingCi(report: Report, e: RankingEntry): string {
  if (e.system === report.rankingInfo.base && e.score !== null) return '— (base, 0 by definition)';
  return e.score !== null && e.reasons.ci ? `— (${e.reasons.ci})` : '—';
}

export function rankingNote(report: Report): string {
  const r = report.rankingInfo;
  // no fit, so no bootstrap ran: the reason is the note, not a "0 rounds" interval method
  if (r.reason && r.rounds === 0) return `No ranking: ${r.reason.replace(/\.$/, '')}.`;
  const level = levelPercent(report.ci.level);
  const failed = r.failedRounds
    ? `, ${r.failedRounds} of them without a finite score for some system, counted at ±∞`
    : '';
  const reason = r.reason ? ` ${r.reason.charAt(0).toUpperCase()}${r.reason.slice(1)}` : '';
  return `Natural-log strengths, ${anchorText(r.base)}; ${level}% clustered-bootstrap CIs, ${r.rounds} rounds${failed}.${reason}`;
}
