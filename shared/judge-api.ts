import { z } from 'zod';
import { storableText } from './text.ts';

/**
 * Judge-facing schemas. Responses are serialised through these, so they are also the blinding
 * guard: there is no field here that could carry a system's id or name.
 */
export const sideSchema = z.enum(['left', 'right', 'tie']);
export type Side = z.infer<typeof sideSchema>;

export const axisNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'axis names are lower-case words joined by underscores');

export const judgeSideViewSchema = z.strictObject({
  trace: z.string(),
  answer: z.string(),
});

export const judgeAssignmentSchema = z.strictObject({
  id: z.string().uuid(),
  item: z.strictObject({
    question: z.string(),
    images: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
  left: judgeSideViewSchema,
  right: judgeSideViewSchema,
  axes: z.array(z.string()),
  leaseExpiresAt: z.string(),
});
export type JudgeAssignment = z.infer<typeof judgeAssignmentSchema>;

export const judgeProgressSchema = z.strictObject({
  done: z.number().int().nonnegative(),
  quota: z.number().int().nonnegative().nullable(),
});

export const judgeNextResponseSchema = z.strictObject({
  assignment: judgeAssignmentSchema,
  progress: judgeProgressSchema,
});
export type JudgeNextResponse = z.infer<typeof judgeNextResponseSchema>;

/**
 * Optional body of `POST /api/judge/next`. `exclude` (the comparison on screen) asks for the one
 * after it, so the page can prefetch; a judge holds at most that one extra lease.
 */
export const nextBodySchema = z
  .strictObject({ exclude: z.array(z.string().uuid()).max(1).default([]) })
  .nullish();

export const verdictBodySchema = z.strictObject({
  winner: sideSchema,
  axes: z.record(axisNameSchema, sideSchema).default({}),
  strength: z.union([z.literal(1), z.literal(2)]).optional(),
  note: storableText().max(10_000).optional(),
  /**
   * Reading time: milliseconds this comparison was on screen with the page visible (hidden time is
   * not counted), as measured by the page; stored as verdicts.reading_ms beside the server's own
   * lease-to-verdict time (wall_ms).
   */
  elapsedMs: z.number().int().nonnegative().max(86_400_000).optional(),
});
export type VerdictBody = z.infer<typeof verdictBodySchema>;

export const verdictResponseSchema = z.strictObject({
  ok: z.literal(true),
  duplicate: z.boolean(),
  progress: judgeProgressSchema,
});

export const skipBodySchema = z.strictObject({
  reason: z.enum(['skip', 'cannot_judge']).default('skip'),
  note: storableText().max(10_000).optional(),
});

export const skipResponseSchema = z.strictObject({
  ok: z.literal(true),
  progress: judgeProgressSchema,
});

export const judgeMeResponseSchema = z.strictObject({
  judge: z.strictObject({ name: z.string() }),
  study: z.strictObject({
    guidelines: z.string(),
    axes: z.array(z.string()),
    requireAxes: z.boolean(),
  }),
  progress: judgeProgressSchema,
});

export const errorResponseSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string().optional() })).optional(),
});
