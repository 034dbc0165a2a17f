import { z } from 'zod';
import { judgeNameSchema } from './import-records.ts';
import { axisNameSchema } from './judge-api.ts';
import { storableText, systemNameOption } from './text.ts';

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
  base: systemNameOption().optional(),
  allPairs: z.boolean().default(false),
  sample: z.number().int().positive().optional(),
  judgesPerComparison: z.number().int().min(1).max(100).optional(),
  /** Absent: the study's latest plan's seed, or a random one for its first (server/pairing). */
  seed: storableText().min(1).max(200).optional(),
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
  /** One line each, for whoever paired (the seed '0', the default before 2026-12, is public). */
  warnings: z.array(z.string()),
});
export type PairResult = z.infer<typeof pairResultSchema>;

export const inviteBodySchema = z.strictObject({
  name: judgeNameSchema,
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

/** A named account on the admin side (issue 17); its token is shown once, at creation. */
export const accountSchema = z.object({
  name: z.string(),
  serverAdmin: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type Account = z.infer<typeof accountSchema>;

export const accountNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, 'use letters, digits and . _ @ - only');

export const createAccountBodySchema = z
  .object({ name: accountNameSchema, serverAdmin: z.boolean().default(false) })
  .strict();

export const createAccountResponseSchema = accountSchema.extend({ token: z.string() });

export const studyRoleSchema = z.enum(['owner', 'viewer']);

export const studyRoleEntrySchema = z.object({
  name: z.string(),
  role: studyRoleSchema,
  grantedBy: z.string(),
  grantedAt: z.string(),
  revoked: z.boolean(),
});
export type StudyRoleEntry = z.infer<typeof studyRoleEntrySchema>;

export const grantRoleBodySchema = z.object({ role: studyRoleSchema }).strict();

/** Who the admin page's token belongs to: what it may show. */
export const meSchema = z.object({ name: z.string(), serverAdmin: z.boolean() });

/**
 * A study's allocation settings (issue 15, `PUT /api/studies/:id/allocation`): the target
 * half-width of a pair's anytime-valid confidence sequence ("enough verdicts"), whether the human
 * queue stops handing out a pair's unstarted comparisons once its sequence has decided or is
 * narrower than the target, and whether the queue hands out first the comparisons that reduce the
 * widest intervals most (adaptive allocation).
 */
export const allocationSettingsSchema = z.strictObject({
  targetHalfWidth: z.number().gt(0).lt(0.5).nullable().default(null),
  autoStop: z.boolean().default(false),
  adaptive: z.boolean().default(false),
});
export type AllocationSettings = z.infer<typeof allocationSettingsSchema>;
