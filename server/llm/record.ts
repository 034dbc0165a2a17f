import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { llmAttempts, llmCache, verdicts } from '../db/schema/index.ts';
import { EVENTS_CHANNEL, toSystemSide } from '../judging/service.ts';
import type { AttemptOutcome, Letter, ParsedVerdict, ProviderName, Usage } from './types.ts';

export interface CallResult {
  runId: string;
  studyId: string;
  assignmentId: string;
  comparisonId: string;
  judgeId: string;
  /** The order judged: which system was Response A. */
  shownLeft: 'a' | 'b';
  leasedAt: Date;
  outcome: AttemptOutcome;
  verdict: ParsedVerdict | null;
  cached: boolean;
  cacheKey: string | null;
  /** A paid response to store in the cache (only responses that gave a verdict are cached). */
  cacheEntry: { provider: ProviderName; model: string; body: Record<string, unknown> } | null;
  raw: string | null;
  error: string | null;
  httpStatus: number | null;
  latencyMs: number | null;
  usage: Usage;
  costUsd: number;
  /** What was reserved for this call, now settled. */
  reservedUsd: number;
  /** Whether this call was made (false for cache hits). */
  paid: boolean;
  /** Counts toward the run's failed orders (a terminal failure). */
  failedForGood: boolean;
  /** Marks the slot done in the same transaction (its last order settled). */
  completeSlot: boolean;
  notify: boolean;
}

const LETTER_TO_SIDE: Record<Letter, 'left' | 'right' | 'tie'> = { A: 'left', B: 'right', tie: 'tie' };

/** Maps a judge's A/B verdict to the comparison's systems, given which system was Response A. */
export function toSystemVerdict(v: ParsedVerdict, shownLeft: 'a' | 'b') {
  return {
    winner: toSystemSide(LETTER_TO_SIDE[v.winner], shownLeft),
    axes: Object.fromEntries(Object.entries(v.axes).map(([axis, l]) => [axis, toSystemSide(LETTER_TO_SIDE[l], shownLeft)])),
  };
}

/**
 * Stores one call's outcome atomically: the cache entry, the attempt, the verdict (at most one per
 * assignment and order), the run's counters with the reservation settled, and the slot's completion.
 * Returns whether a verdict was inserted (false when it already existed).
 */
export async function recordResult(db: Db, r: CallResult): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (r.cacheEntry && r.cacheKey) {
      await tx
        .insert(llmCache)
        .values({
          key: r.cacheKey,
          provider: r.cacheEntry.provider,
          model: r.cacheEntry.model,
          response: r.cacheEntry.body,
          inputTokens: r.usage.inputTokens,
          outputTokens: r.usage.outputTokens,
          costUsd: r.costUsd,
        })
        .onConflictDoNothing();
    }
    await tx.insert(llmAttempts).values({
      runId: r.runId,
      assignmentId: r.assignmentId,
      judgeId: r.judgeId,
      shownLeft: r.shownLeft,
      outcome: r.outcome,
      cacheKey: r.cacheKey,
      cached: r.cached,
      raw: r.raw,
      error: r.error,
      httpStatus: r.httpStatus,
      latencyMs: r.latencyMs,
      inputTokens: r.paid ? r.usage.inputTokens : 0,
      outputTokens: r.paid ? r.usage.outputTokens : 0,
      costUsd: r.paid ? r.costUsd : 0,
    });
    let inserted = false;
    if (r.verdict) {
      const mapped = toSystemVerdict(r.verdict, r.shownLeft);
      const rows = await tx
        .insert(verdicts)
        .values({
          assignmentId: r.assignmentId,
          comparisonId: r.comparisonId,
          judgeId: r.judgeId,
          winner: mapped.winner,
          axes: mapped.axes,
          strength: r.verdict.strength,
          note: r.verdict.reasoning ? r.verdict.reasoning.slice(0, 2000) : null,
          shownLeft: r.shownLeft,
          leasedAt: r.leasedAt,
          durationMs: r.latencyMs,
        })
        .onConflictDoNothing()
        .returning({ id: verdicts.id });
      inserted = rows.length > 0;
    }
    if (r.completeSlot) {
      await tx.execute(sql`
        update assignments set status = 'done', completed_at = now(), lease_expires_at = null
        where id = ${r.assignmentId}`);
    }
    if (r.notify && inserted) {
      await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ type: 'verdict', studyId: r.studyId })})`);
    }
    // Last: the run's row is the one every worker updates, so its lock is held for the shortest time.
    await queryRows(tx, sql`
      update llm_runs set
        done = done + ${inserted ? 1 : 0},
        failed = failed + ${r.failedForGood ? 1 : 0},
        calls = calls + ${r.paid ? 1 : 0},
        cached_calls = cached_calls + ${r.cached ? 1 : 0},
        input_tokens = input_tokens + ${r.paid ? r.usage.inputTokens : 0},
        output_tokens = output_tokens + ${r.paid ? r.usage.outputTokens : 0},
        cost_usd = cost_usd + ${r.paid ? r.costUsd : 0},
        reserved_usd = greatest(0, reserved_usd - ${r.reservedUsd})
      where id = ${r.runId}`);
    return inserted;
  });
}

export async function notifyRun(db: Db, { studyId, runId }: { studyId: string; runId: string }): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ type: 'run', studyId, runId })})`);
}
