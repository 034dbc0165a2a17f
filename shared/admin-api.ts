import { z } from 'zod';
import { axisNameSchema } from './judge-api.ts';
import { storableText } from './text.ts';

export const studyNameSchema = storableText()
  .min(1)
  .max(200)
  .regex(/^[^\s/][^/]*$/, 'a study name has no slashes and does not start with a space');

export const createStudyBodySchema = z.strictObject({
  name: studyNameSchema,
  axes: z.array(axisNameSchema).max(20).default(['perception', 'medical_knowledge', 'rationale']),
  guidelines: storableText().max(100_000).default(''),
  judgesPerComparison: z.number().int().min(1).max(100).default(1),
  leaseSeconds: z.number().int().min(5).max(86_400).default(600),
  requireAxes: z.boolean().default(false),
});
export type CreateStudyBody = z.infer<typeof createStudyBodySchema>;

export const studySchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  axes: z.array(z.string()),
  guidelines: z.string(),
  judgesPerComparison: z.number().int(),
  leaseSeconds: z.number().int(),
  requireAxes: z.boolean(),
  createdAt: z.string(),
});
export type Study = z.infer<typeof studySchema>;

/** Judging slots of one judge kind: done, and planned in all (human: the queue; llm: LLM runs). */
const progressSchema = z.object({ judged: z.number().int(), planned: z.number().int() });
/** A study in the list (`GET /api/studies`), with its progress per judge kind. */
export const studyListEntrySchema = studySchema.extend({
  progress: z.object({ human: progressSchema, llm: progressSchema }),
});
export type StudyListEntry = z.infer<typeof studyListEntrySchema>;

export const studySummarySchema = studySchema.extend({
  counts: z.object({
    systems: z.number().int(),
    items: z.number().int(),
    comparisons: z.number().int(),
    assignments: z.number().int(),
    verdicts: z.number().int(),
    judges: z.number().int(),
  }),
  systems: z.array(z.object({ id: z.string().uuid(), name: z.string() })),
});

export const pairBodySchema = z.strictObject({
  base: storableText().min(1).optional(),
  allPairs: z.boolean().default(false),
  sample: z.number().int().positive().optional(),
  judgesPerComparison: z.number().int().min(1).max(100).optional(),
  seed: storableText().min(1).max(200).default('0'),
});
export type PairBody = z.infer<typeof pairBodySchema>;

export const pairResultSchema = z.object({
  pairingId: z.string().uuid(),
  seed: z.string(),
  base: z.string().nullable(),
  pairs: z.array(z.object({ a: z.string(), b: z.string() })),
  comparisonsCreated: z.number().int(),
  comparisonsExisting: z.number().int(),
  assignmentsCreated: z.number().int(),
});
export type PairResult = z.infer<typeof pairResultSchema>;

export const inviteBodySchema = z.strictObject({
  name: storableText().min(1).max(200),
  quota: z.number().int().min(0).optional(),
});

export const inviteResponseSchema = z.object({
  judgeId: z.string().uuid(),
  name: z.string(),
  quota: z.number().int().nullable(),
  token: z.string(),
  url: z.string(),
});

export const judgeSummarySchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  kind: z.enum(['human', 'llm']),
  quota: z.number().int().nullable(),
  revoked: z.boolean(),
  verdicts: z.number().int(),
});
