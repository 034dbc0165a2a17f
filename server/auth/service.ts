import type { Tx } from '../db/client.ts';
import type { judges } from '../db/schema/index.ts';
import { upsertLlmJudge } from './repository.ts';

/** A judge of a study: a human with an invite token, or an LLM with its settings. */
export type JudgeRow = typeof judges.$inferSelect;

/** The LLM judge for this model and settings, created once: the same settings reuse the same row. */
export async function ensureLlmJudge(
  tx: Tx,
  { studyId, name, config }: { studyId: string; name: string; config: Record<string, unknown> },
): Promise<string> {
  return upsertLlmJudge(tx, { studyId, name, config });
}
