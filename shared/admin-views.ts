import { z } from 'zod';
import { llmRunSchema } from './llm-api.ts';
import { judgeQualificationSummarySchema } from './qualification-api.ts';
import { storableText } from './text.ts';

/**
 * Admin-only views: gold items, judge quality, and the live dashboard's messages. These carry
 * system names and are served only with the admin token; nothing here reaches a judge.
 */

export const goldSchema = z.strictObject({
  /** System names: the gold verdict is relative to `a` and `b`. */
  a: storableText().min(1),
  b: storableText().min(1),
  winner: z.enum(['a', 'b', 'tie']),
});
export type Gold = z.infer<typeof goldSchema>;

export const itemSummarySchema = z.object({
  id: z.string().uuid(),
  externalId: z.string(),
  question: z.string(),
  modality: z.string().nullable(),
  gold: goldSchema.nullable(),
});
export type ItemSummary = z.infer<typeof itemSummarySchema>;

export const itemListQuerySchema = z.object({
  q: storableText().max(200).optional(),
  gold: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const itemListSchema = z.object({
  items: z.array(itemSummarySchema),
  total: z.number().int(),
});

/** A rate that may be uncomputable: `null` with the reason, never NaN. */
const rateSchema = z.object({ value: z.number().nullable(), reason: z.string().optional() });

export const judgeQualitySchema = z.object({
  judgeId: z.string().uuid(),
  name: z.string(),
  kind: z.enum(['human', 'llm']),
  revoked: z.boolean(),
  verdicts: z.number().int(),
  skips: z.number().int(),
  cannotJudge: z.number().int(),
  gold: z.object({ judged: z.number().int(), correct: z.number().int(), accuracy: rateSchema }),
  /** Median time on task per verdict (verdicts.duration_ms). */
  medianMs: z.number().nullable(),
  /** Median reading time the page measured (visible time only; verdicts.reading_ms). */
  medianReadingMs: z.number().nullable(),
  /** Median server-side time from lease to verdict (verdicts.wall_ms), the check on the page's figure. */
  medianWallMs: z.number().nullable(),
  /** Agreement on the overall winner with every other judge of the same comparisons. */
  agreement: z.object({ pairs: z.number().int(), agreed: z.number().int(), rate: rateSchema }),
  /** Training before judging (issue 18): passed, in training, held; attempts; the adjudicator flag. */
  qualification: judgeQualificationSummarySchema,
  /**
   * Reliability estimated from the verdicts themselves (Dawid–Skene, as the report's
   * sensitivity.competence): the probability of giving a comparison's true overall verdict.
   */
  reliability: rateSchema,
});
export type JudgeQuality = z.infer<typeof judgeQualitySchema>;

// ---- live dashboard ----

/**
 * An LLM-judge run's progress as the dashboard shows it: the same figures as the admin route's
 * run list (done/total, rate, ETA, tokens, cost), computed by the same code.
 */
export const runProgressSchema = llmRunSchema.omit({
  studyId: true,
  reservedUsd: true,
  activeHere: true,
  heartbeatAt: true,
});
export type RunProgress = z.infer<typeof runProgressSchema>;

export const dashboardSnapshotSchema = z.object({
  studyId: z.string().uuid(),
  studyName: z.string(),
  generatedAt: z.string(),
  totals: z.object({
    comparisons: z.number().int(),
    slots: z.number().int(),
    slotsDone: z.number().int(),
    slotsLeased: z.number().int(),
    verdicts: z.number().int(),
    skips: z.number().int(),
    judges: z.number().int(),
  }),
  /** Progress per comparison set (one system pair). */
  sets: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      comparisons: z.number().int(),
      comparisonsComplete: z.number().int(),
      slots: z.number().int(),
      slotsDone: z.number().int(),
      slotsLeased: z.number().int(),
    }),
  ),
  /** Verdicts per minute over the last 30 minutes, oldest first. */
  perMinute: z.array(z.object({ minute: z.string(), verdicts: z.number().int() })),
  judges: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['human', 'llm']),
      verdicts: z.number().int(),
      skips: z.number().int(),
      lastVerdictAt: z.string().nullable(),
    }),
  ),
  /** Each pair's running win rate for `a` (ties half) with its interval. */
  pairs: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      n: z.number().int(),
      wins: z.number().int(),
      losses: z.number().int(),
      ties: z.number().int(),
      winRate: z.number().nullable(),
      ci: z.tuple([z.number(), z.number()]).nullable(),
      ciMethod: z.string(),
      level: z.number(),
      reason: z.string().optional(),
    }),
  ),
  /** LLM-judge runs: every unfinished one and the latest finished ones, newest first. */
  runs: z.array(runProgressSchema),
  /**
   * The "enough verdicts" signal (issue 15): the study's allocation settings and, per pair with
   * comparisons, the anytime-valid confidence sequence of its human verdicts (over items) and
   * whether it has decided a winner or is narrower than the target half-width (`enough`);
   * `stopped`: auto-stop is on and the queue no longer hands out the pair's unstarted comparisons.
   */
  allocation: z.object({
    targetHalfWidth: z.number().nullable(),
    autoStop: z.boolean(),
    adaptive: z.boolean(),
    level: z.number(),
    pairs: z.array(
      z.object({
        a: z.string(),
        b: z.string(),
        items: z.number().int(),
        ci: z.tuple([z.number(), z.number()]).nullable(),
        halfWidth: z.number().nullable(),
        decided: z.enum(['a', 'b']).nullable(),
        enough: z.boolean(),
        stopped: z.boolean(),
      }),
    ),
  }),
});
export type DashboardSnapshot = z.infer<typeof dashboardSnapshotSchema>;

/** Client → server: the admin token as the first message (browsers cannot set websocket headers). */
export const liveClientMessageSchema = z.object({
  type: z.literal('auth'),
  token: z.string().min(1).max(200),
});

export const liveServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), snapshot: dashboardSnapshotSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof liveServerMessageSchema>;
