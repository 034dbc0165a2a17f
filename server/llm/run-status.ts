import type { Db } from '../db/client.ts';
import type { LlmRunStatus } from '../db/schema/index.ts';
import { countUnfinishedRunSlots } from '../judging/service.ts';
import { DEFAULTS } from './config.ts';
import type { StopReason } from './control.ts';
import { progressOf } from './progress.ts';
import { notifyRun } from './record.ts';
import {
  failuresByReason,
  getLastFailure,
  getRunById,
  recountRun,
  setRunStatus,
  type RunRow,
} from './repository.ts';
import type { RunProgress, RunSummary } from './types.ts';

/**
 * Why a run whose every order is settled failed, or null when it did not: all its orders failed,
 * or more than `maxShare` of them did (DEFAULTS.maxFailedShare, documented in docs/llm-judging.md).
 */
export function failedRunReason(
  { done, failed }: { done: number; failed: number },
  byReason: Record<string, number>,
  maxShare: number = DEFAULTS.maxFailedShare,
): string | null {
  const settled = done + failed;
  if (failed === 0 || (done > 0 && failed <= maxShare * settled)) return null;
  const reasons = Object.entries(byReason)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${failed} of ${settled} orders failed${reasons ? ` (${reasons})` : ''}`;
}

/** Marks the run running with its counters recounted from the rows, and announces it. */
export async function startRun(
  db: Db,
  { runId, studyId, orders }: { runId: string; studyId: string; orders: 1 | 2 },
): Promise<{ row: RunRow; progress: RunProgress }> {
  await recountRun(db, { runId, orders });
  await setRunStatus(db, { runId, status: 'running' });
  await notifyRun(db, { studyId, runId });
  const row = (await getRunById(db, { id: runId }))!;
  return { row, progress: progressOf(row) };
}

/**
 * Settles the run's status once this worker stops: stopped (budget, failure, cancel), still running
 * (another worker holds slots), or, with every slot done, completed or failed by its share of
 * failed orders. Returns the summary from the recounted row.
 */
export async function finishRun(
  db: Db,
  {
    runId,
    studyId,
    orders,
    stop,
    judges,
    maxFailedShare,
    redact,
  }: {
    runId: string;
    studyId: string;
    orders: 1 | 2;
    stop: StopReason | null;
    judges: string[];
    maxFailedShare: number | undefined;
    redact: (s: string) => string;
  },
): Promise<RunSummary> {
  await recountRun(db, { runId, orders });
  const unfinished = await countUnfinishedRunSlots(db, { runId });
  const counted = (await getRunById(db, { id: runId }))!;
  const failedByReason = await failuresByReason(db, { runId });
  let status: LlmRunStatus;
  let error: string | null = null;
  if (stop?.kind === 'budget') status = 'budget_exhausted';
  else if (stop?.kind === 'failed') {
    status = 'failed';
    error = redact(stop.error);
  } else if (stop?.kind === 'cancelled') status = 'cancelled';
  else if (unfinished > 0) status = 'running';
  else {
    const tooMany = failedRunReason(counted, failedByReason, maxFailedShare);
    status = tooMany ? 'failed' : 'completed';
    if (tooMany)
      error = redact(`${tooMany}; last: ${(await getLastFailure(db, { runId })) ?? 'unknown'}`);
  }
  await setRunStatus(db, { runId, status, error, finished: status !== 'running' });
  await notifyRun(db, { studyId, runId });
  const row = (await getRunById(db, { id: runId }))!;
  return { runId, status, error, judges, ...progressOf(row), failedByReason };
}

/** The run's own error never leaves it `running`: it ends failed with the reason (one line). */
export async function failRun(
  db: Db,
  { runId, studyId, reason }: { runId: string; studyId: string; reason: string },
): Promise<void> {
  await setRunStatus(db, { runId, status: 'failed', error: reason, finished: true })
    .catch(() =>
      setRunStatus(db, { runId, status: 'failed', error: 'internal error', finished: true }),
    )
    .catch(() => undefined);
  await notifyRun(db, { studyId, runId }).catch(() => undefined);
}
