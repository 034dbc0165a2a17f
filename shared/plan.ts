import { z } from 'zod';
import { ciChoiceSchema, tiesModeSchema } from './report.ts';
import { storableText } from './text.ts';

/**
 * A study's analysis plan (pre-registration, docs/plan.md): what the primary analysis will be,
 * fixed before the verdicts come in. Its SHA-256 is taken over its canonical JSON (keys sorted,
 * no whitespace; server/plan/canonical.ts), so every field here is part of what is locked.
 */

const halfWidth = z
  .number()
  .gt(0, 'half-width must be in (0, 0.5)')
  .lt(0.5, 'half-width must be in (0, 0.5)');

export const analysisPlanSchema = z.strictObject({
  version: z.literal(1),
  /** The primary comparison: the win rate of `a` against `b`. */
  primary: z
    .strictObject({ a: storableText().min(1), b: storableText().min(1) })
    .refine((p) => p.a !== p.b, {
      message: 'the two systems of the primary comparison must differ',
    }),
  /** The metric: the win rate, ties counted as half a win or left out. */
  metric: z.strictObject({ kind: z.literal('win-rate'), ties: tiesModeSchema }),
  /** The interval of the primary comparison: method ('auto' as the report chooses) and level. */
  interval: z.strictObject({
    ci: ciChoiceSchema,
    level: z
      .number()
      .min(0.5, 'level must be between 0.5 and 0.999999')
      .max(0.999999, 'level must be between 0.5 and 0.999999'),
  }),
  /** Judges on each comparison. */
  judgesPerComparison: z.number().int().min(1).max(1000),
  /** When judging stops: at the planned items, or once the interval is narrower than a half-width. */
  stopping: z.discriminatedUnion('rule', [
    z.strictObject({ rule: z.literal('fixed') }),
    z.strictObject({ rule: z.literal('sequential'), halfWidth }),
  ]),
  /** The planned sample size: items of the primary comparison (the most, with a sequential rule). */
  items: z.number().int().min(1).max(100_000_000),
});
export type AnalysisPlan = z.infer<typeof analysisPlanSchema>;

/** A locked plan as stored and served: the plan, its hash, and when and how it was locked. */
export const lockedPlanSchema = z.object({
  plan: analysisPlanSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  lockedAt: z.string(),
  lockedBy: z.string(),
  /** Locked after judging had started (refused unless forced). */
  forced: z.boolean(),
  /** Verdicts the study held when the plan was locked. */
  verdictsAtLock: z.number().int().nonnegative(),
});
export type LockedPlan = z.infer<typeof lockedPlanSchema>;

/** `GET /api/studies/:id/plan`: the locked plan, or null while none is locked. */
export const planResponseSchema = z.object({ plan: lockedPlanSchema.nullable() });

/** `POST /api/studies/:id/plan`: lock a plan (`force` to lock after judging has started). */
export const lockPlanBodySchema = z.strictObject({
  plan: analysisPlanSchema,
  force: z.boolean().default(false),
});
export type LockPlanBody = z.input<typeof lockPlanBodySchema>;

/** `GET /api/plan/power`: the sample-size calculator's question (as `tracearena plan power`). */
export const powerQuerySchema = z
  .object({
    rate: z.coerce.number().gt(0).lt(1),
    icc: z.coerce.number().min(0).max(1),
    verdictsPerItem: z.coerce.number().int().min(1).max(10_000),
    halfWidth: z.coerce.number().gt(0).lt(0.5).optional(),
    level: z.coerce.number().gt(0).lt(1).default(0.95),
    power: z.coerce.number().gt(0).lt(1).optional(),
    alpha: z.coerce.number().gt(0).lt(1).default(0.05),
  })
  .refine((q) => (q.halfWidth === undefined) !== (q.power === undefined), {
    message: 'give exactly one of halfWidth and power',
    path: ['halfWidth'],
  });
export type PowerQuery = z.input<typeof powerQuerySchema>;

/** The calculator's answer: the items needed and what the design gives there. */
export const powerResponseSchema = z.object({
  items: z.number().int(),
  verdicts: z.number().int(),
  deff: z.number(),
  effectiveN: z.number(),
  /** Degrees of freedom of the critical value; null for z (one verdict per item). */
  df: z.number().nullable(),
  critical: z.number(),
  halfWidth: z.number(),
  power: z.number().nullable(),
  /** Set when the normal approximation of the power is optimistic (fewer than 30 items). */
  warning: z.string().nullable(),
});
export type PowerResponse = z.infer<typeof powerResponseSchema>;
