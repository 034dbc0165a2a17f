import type { Db } from '../db/client.ts';
import { notifyEvent } from '../db/events.ts';
import { completeSlots, recordVerdicts, toSystemSide } from '../judging/service.ts';
import {
  addRunCounts,
  insertAttempts,
  insertCachedResponses,
  type CacheRow,
} from './repository.ts';
import { errorLine, escapeStoredText } from './stored-text.ts';
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
  /**
   * A paid response to store in the cache with the result (only responses that gave a verdict are
   * cached): null when it is already there (CacheWriter) or there is none.
   */
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

const LETTER_TO_SIDE: Record<Letter, 'left' | 'right' | 'tie'> = {
  A: 'left',
  B: 'right',
  tie: 'tie',
};

/** Maps a judge's A/B verdict to the comparison's systems, given which system was Response A. */
export function toSystemVerdict(v: ParsedVerdict, shownLeft: 'a' | 'b') {
  return {
    winner: toSystemSide(LETTER_TO_SIDE[v.winner], shownLeft),
    axes: Object.fromEntries(
      Object.entries(v.axes).map(([axis, l]) => [axis, toSystemSide(LETTER_TO_SIDE[l], shownLeft)]),
    ),
  };
}

/**
 * Stores calls' outcomes atomically, many at once: the cache entries, the attempts, the verdicts
 * (at most one per assignment and order) and the completed slots through judging, and the run's
 * counters with the reservations settled. Returns, per result, whether its verdict was inserted
 * (false when absent or already there).
 */
export async function recordResults(db: Db, results: CallResult[]): Promise<boolean[]> {
  if (results.length === 0) return [];
  return db.transaction(async (tx) => {
    await insertCachedResponses(
      tx,
      results
        .filter((r) => r.cacheEntry && r.cacheKey)
        .map((r) => ({
          key: r.cacheKey!,
          ...r.cacheEntry!,
          inputTokens: r.usage.inputTokens,
          outputTokens: r.usage.outputTokens,
          costUsd: r.costUsd,
        })),
    );
    await insertAttempts(
      tx,
      results.map((r) => ({
        runId: r.runId,
        assignmentId: r.assignmentId,
        judgeId: r.judgeId,
        shownLeft: r.shownLeft,
        outcome: r.outcome,
        cacheKey: r.cacheKey,
        cached: r.cached,
        raw: r.raw === null ? null : escapeStoredText(r.raw),
        error: r.error === null ? null : escapeStoredText(r.error),
        httpStatus: r.httpStatus,
        latencyMs: r.latencyMs,
        inputTokens: r.paid ? r.usage.inputTokens : 0,
        outputTokens: r.paid ? r.usage.outputTokens : 0,
        costUsd: r.paid ? r.costUsd : 0,
      })),
    );
    const inserted = await recordVerdicts(
      tx,
      results
        .filter((r) => r.verdict)
        .map((r) => {
          const mapped = toSystemVerdict(r.verdict!, r.shownLeft);
          return {
            assignmentId: r.assignmentId,
            comparisonId: r.comparisonId,
            judgeId: r.judgeId,
            winner: mapped.winner,
            axes: mapped.axes,
            strength: r.verdict!.strength,
            note: r.verdict!.reasoning
              ? escapeStoredText(r.verdict!.reasoning.slice(0, 2000))
              : null,
            shownLeft: r.shownLeft,
            leasedAt: r.leasedAt,
            durationMs: r.latencyMs,
          };
        }),
    );
    await completeSlots(tx, {
      ids: results.filter((r) => r.completeSlot).map((r) => r.assignmentId),
    });
    if (inserted.size && results.some((r) => r.notify)) {
      await notifyEvent(tx, { type: 'verdict', studyId: results[0]!.studyId });
    }
    // Last: the run's row is the one every worker updates, so its lock is held for the shortest time.
    const sum = (f: (r: CallResult) => number) => results.reduce((acc, r) => acc + f(r), 0);
    await addRunCounts(tx, {
      runId: results[0]!.runId,
      counts: {
        done: inserted.size,
        failed: sum((r) => (r.failedForGood ? 1 : 0)),
        calls: sum((r) => (r.paid ? 1 : 0)),
        cachedCalls: sum((r) => (r.cached ? 1 : 0)),
        inputTokens: sum((r) => (r.paid ? r.usage.inputTokens : 0)),
        outputTokens: sum((r) => (r.paid ? r.usage.outputTokens : 0)),
        costUsd: sum((r) => (r.paid ? r.costUsd : 0)),
        settledUsd: sum((r) => r.reservedUsd),
      },
    });
    return results.map((r) => inserted.has(`${r.assignmentId}:${r.shownLeft}`));
  });
}

interface Pending<T, R> {
  item: T;
  resolve: (v: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: items that arrive while a write is in progress go into the next one, so the
 * number of transactions adapts to the database's speed instead of one per item. `writeBatch`
 * settles each item's promise.
 */
class GroupCommit<T, R> {
  private buffer: Array<Pending<T, R>> = [];
  private writing = false;

  constructor(
    private readonly writeBatch: (batch: Array<Pending<T, R>>) => Promise<void>,
    /** How long a lone item waits for company before it is written alone. */
    private readonly lingerMs: number,
    private readonly maxBatch = 200,
  ) {}

  write(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.buffer.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      if (this.lingerMs > 0) await new Promise((r) => setTimeout(r, this.lingerMs));
      while (this.buffer.length) await this.writeBatch(this.buffer.splice(0, this.maxBatch));
    } finally {
      this.writing = false;
    }
  }
}

/**
 * Writes call results with group commit (`recordResults`). One result the database refuses must
 * not take the others with it: each is then written alone, and one that still fails is written as
 * an attempt saying why.
 */
export class ResultWriter {
  private readonly group: GroupCommit<CallResult, boolean>;

  constructor(db: Db, lingerMs = 10, maxBatch = 200) {
    this.group = new GroupCommit<CallResult, boolean>(
      async (batch) => {
        try {
          const inserted = await recordResults(
            db,
            batch.map((b) => b.item),
          );
          batch.forEach((b, i) => b.resolve(inserted[i] ?? false));
        } catch (err) {
          for (const b of batch) {
            let error: unknown = err;
            if (batch.length > 1) {
              try {
                b.resolve((await recordResults(db, [b.item]))[0] ?? false);
                continue;
              } catch (e) {
                error = e;
              }
            }
            try {
              await recordResults(db, [unstorable(b.item, error)]);
              b.resolve(false);
            } catch (e) {
              b.reject(e);
            }
          }
        }
      },
      lingerMs,
      maxBatch,
    );
  }

  /** Resolves with whether the result's verdict was inserted, once the result is stored. */
  write(result: CallResult): Promise<boolean> {
    return this.group.write(result);
  }
}

/**
 * Writes response-cache rows as soon as they arrive: a lone row is written at once (no linger),
 * rows that arrive meanwhile go into the next insert. At most `room` rows wait for their write
 * outside a call's slot: the runner frees a call's slot once `hasRoom()` says so, so a killed run
 * has lost at most the answers of its C calls in flight plus `room` answers being written.
 */
export class CacheWriter {
  private readonly group: GroupCommit<CacheRow, boolean>;
  /** Rows handed in and not yet written (or refused). */
  private unwritten = 0;
  private waiting: Array<() => void> = [];

  constructor(
    db: Db,
    /** How many rows may wait for their write outside their call's slot. */
    private readonly room: number,
    maxBatch = 200,
  ) {
    this.group = new GroupCommit<CacheRow, boolean>(
      async (batch) => {
        try {
          await insertCachedResponses(
            db,
            batch.map((b) => b.item),
          );
          for (const b of batch) b.resolve(true);
        } catch {
          // Not fatal: each row is written again with its result (which records a refusal).
          for (const b of batch) b.resolve(false);
        }
      },
      0,
      maxBatch,
    );
  }

  /**
   * Starts writing a row; resolves true once it is stored, false when the database refused it.
   * The caller awaits `hasRoom()` before freeing its call's slot.
   */
  write(row: CacheRow): Promise<boolean> {
    this.unwritten++;
    return this.group.write(row).finally(() => {
      this.unwritten--;
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  /** Resolves once at most `room` rows are unwritten (this call's own row included). */
  async hasRoom(): Promise<void> {
    while (this.unwritten > this.room) await new Promise<void>((r) => this.waiting.push(r));
  }
}

/** What is stored instead of a result the database refused: an attempt with the reason, no answer. */
function unstorable(r: CallResult, err: unknown): CallResult {
  return {
    ...r,
    outcome: 'error',
    verdict: null,
    cacheEntry: null,
    raw: null,
    error: `the answer could not be stored: ${errorLine(err)}`,
    failedForGood: r.outcome === 'error' ? r.failedForGood : true,
  };
}

export async function notifyRun(
  db: Db,
  { studyId, runId }: { studyId: string; runId: string },
): Promise<void> {
  await notifyEvent(db, { type: 'run', studyId, runId });
}
