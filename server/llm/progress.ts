import type { Db } from '../db/client.ts';
import type { OrderEnd } from './order.ts';
import { notifyRun } from './record.ts';
import type { RunRow } from './repository.ts';
import type { RunProgress } from './types.ts';

/** A run's counters as its row holds them. */
export function progressOf(row: RunRow): RunProgress {
  return {
    total: row.total,
    done: row.done,
    failed: row.failed,
    calls: row.calls,
    cached: row.cachedCalls,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: row.costUsd,
  };
}

/**
 * Counts what this worker's orders stored, reports it, and trips a breaker when the provider fails
 * `breakerLimit` calls in a row for good (a transport error that will not be retried).
 */
export class RunTally {
  private consecutiveErrors = 0;

  constructor(
    readonly progress: RunProgress,
    private readonly o: {
      breakerLimit: number;
      onProgress: ((p: RunProgress) => void) | undefined;
      onBreak: (error: string) => void;
    },
  ) {}

  add(end: Extract<OrderEnd, { kind: 'recorded' }>): void {
    const p = this.progress;
    if (end.inserted) p.done++;
    if (end.failedForGood) p.failed++;
    if (end.paid) p.calls++;
    if (end.cached) p.cached++;
    p.inputTokens += end.inputTokens;
    p.outputTokens += end.outputTokens;
    p.costUsd += end.costUsd;
    if (end.transportError && end.failedForGood) this.consecutiveErrors++;
    else if (!end.transportError) this.consecutiveErrors = 0;
    if (this.consecutiveErrors >= this.o.breakerLimit) {
      this.o.onBreak(
        `the provider failed ${this.consecutiveErrors} times in a row; last error: ${end.error ?? 'unknown'}`,
      );
    }
    this.o.onProgress?.({ ...p });
  }
}

/** True at most once every `ms`: which verdicts announce themselves on the events channel. */
export function notifyThrottle(ms = 250): () => boolean {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}

/**
 * The dashboard hears of progress about once a second, whatever the call rate: announces the run
 * each second something changed. Returns the function that stops it.
 */
export function announceProgress(
  db: Db,
  { studyId, runId, progress }: { studyId: string; runId: string; progress: RunProgress },
): () => void {
  let announced = -1;
  const timer = setInterval(() => {
    const finished = progress.done + progress.failed + progress.calls + progress.cached;
    if (finished === announced) return;
    announced = finished;
    notifyRun(db, { studyId, runId }).catch(() => undefined);
  }, 1_000);
  return () => clearInterval(timer);
}
