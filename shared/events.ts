import { z } from 'zod';

/**
 * What a study event says: something changed in a study's judging (a human verdict or skip, an LLM
 * run's progress). The sender builds it with this type and the dashboard hub parses it with this
 * schema, so both ends agree on one definition. It says only which study to refresh: the hub reads
 * the rest from the database.
 */
export const studyEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('verdict'), studyId: z.string() }),
  z.object({ type: z.literal('skip'), studyId: z.string() }),
  z.object({ type: z.literal('run'), studyId: z.string(), runId: z.string() }),
]);
export type StudyEvent = z.infer<typeof studyEventSchema>;
