import { z } from 'zod';

/**
 * What a study event says: something changed in a study's judging (a human verdict or skip, an LLM
 * run's progress) or a judge's token stopped working (revoked, or reissued: every process drops the
 * judge from its token cache). The sender builds it with this type and the listeners parse it with
 * this schema, so both ends agree on one definition. It says only which study (and judge) changed:
 * the listeners read the rest from the database.
 */
export const studyEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('verdict'), studyId: z.string() }),
  z.object({ type: z.literal('skip'), studyId: z.string() }),
  z.object({ type: z.literal('run'), studyId: z.string(), runId: z.string() }),
  z.object({ type: z.literal('judge-revoked'), studyId: z.string(), judgeId: z.string() }),
  /** An account lost its access to a study, or to every study ('*'): its open dashboards close. */
  z.object({ type: z.literal('access-revoked'), studyId: z.string(), accountId: z.string() }),
]);
export type StudyEvent = z.infer<typeof studyEventSchema>;
