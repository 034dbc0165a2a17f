import PQueue from 'p-queue';
import type { Database } from '../db/client.ts';
import { DEFAULTS, type RunOptions } from './config.ts';
import { prepareRun } from './prepare.ts';
import { joinRun, type Liveness } from './liveness.ts';
import { errorLine } from './stored-text.ts';
import { priceFor, type Price } from './prices.ts';
import { createProvider } from './providers/provider.ts';
import { makeRedactor } from './providers/errors.ts';
import {
  completeSlots,
  countUnfinishedRunSlots,
  leaseRunSlots,
  pruneBlockedSlots,
  releaseRunSlots,
  releaseSlots,
  renewSlotLeases,
  type LeasedSlot,
} from '../judging/service.ts';
import {
  clearReservations,
  failuresByReason,
  getRunById,
  loadComparisonContents,
  recountRun,
  setRunStatus,
  settledOrders,
  getCachedResponses,
  getLastFailure,
  touchHeartbeat,
  type RunRow,
} from './repository.ts';
import { CacheWriter, notifyRun, ResultWriter } from './record.ts';
import { cacheKey } from './cache.ts';
import { buildPrompt } from './prompt.ts';
import { processOrder, type OrderContext, type OrderEnd } from './order.ts';
import type { LlmRunStatus } from '../db/schema/index.ts';
import type { JudgeSettings } from './types.ts';
import type { ComparisonContent } from './prompt.ts';

export interface RunProgress {
  total: number;
  done: number;
  failed: number;
  calls: number;
  cached: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface RunSummary extends RunProgress {
  runId: string;
  status: LlmRunStatus;
  error: string | null;
  failedByReason: Record<string, number>;
  judges: string[];
}

export interface RunLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface RunHooks {
  onProgress?: (p: RunProgress) => void;
  /** Called once the run row exists (before any call), e.g. to answer an HTTP request with its id. */
  onStart?: (run: RunRow) => void;
  log?: RunLogger;
  /** Aborting stops leasing; calls in flight finish and are stored; the run is left resumable. */
  signal?: AbortSignal;
}

type StopReason = { kind: 'budget' } | { kind: 'failed'; error: string } | { kind: 'cancelled' };

interface SlotState {
  slot: LeasedSlot;
  /** Orders not yet finished (decremented when an order's outcome is known, before it is stored). */
  remaining: number;
  /** Orders whose outcome is stored. */
  open: number;
  allSettled: boolean;
}

/**
 * Runs (or resumes) an LLM-judge run to the end: leases the run's slots in batches, asks each
 * slot's judge model about each order, and stores verdicts and attempts as they come. Provider
 * calls go through one p-queue (concurrency and requests per minute); database work happens
 * outside it, so C calls are in flight whenever work is left (a call's slot waits only while C
 * answers wait for their cache write: order.ts). Safe to run in several processes at once and to
 * kill at any point: leases, unique verdicts and the response cache make a restart finish the work
 * without duplicates, asking again at most 2 x C calls (those in flight and those being cached).
 */
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

export async function runJudging(
  database: Database,
  o: RunOptions,
  hooks: RunHooks = {},
): Promise<RunSummary> {
  const db = database.db;
  const redact = makeRedactor(o.apiKey);
  const prices = new Map<string, Price | null>(o.models.map((m) => [m, priceFor(m, o.prices)]));
  if (o.maxCostUsd !== null) {
    const unpriced = o.models.filter((m) => prices.get(m) === null);
    if (unpriced.length)
      throw new Error(
        `no price for ${unpriced.join(', ')}: --max-cost needs one (add it with --prices FILE)`,
      );
  }
  // The SDK loads while the run is prepared.
  const providerReady = createProvider(o.provider, {
    apiKey: o.apiKey,
    baseUrl: o.baseUrl,
    maxRetries: o.maxRetries,
    timeoutMs: o.timeoutMs,
  });
  providerReady.catch(() => undefined);
  const { run, judgeIds, names, settings, orders } = await prepareRun(database, o);
  const runId = run.id;
  const studyId = run.studyId;
  let liveness: Liveness | undefined;
  try {
    liveness = await joinRun(database, {
      runId,
      databaseUrl: o.databaseUrl,
      staleSeconds: o.leaseSeconds,
      onAlone: async () => {
        await releaseRunSlots(db, { runId });
        await clearReservations(db, { runId });
      },
    });
    await recountRun(db, { runId, orders });
    await setRunStatus(db, { runId, status: 'running' });
    await notifyRun(db, { studyId, runId });
    const startRow = (await getRunById(db, { id: runId }))!;
    hooks.onStart?.(startRow);

    const progress: RunProgress = {
      total: startRow.total,
      done: startRow.done,
      failed: startRow.failed,
      calls: startRow.calls,
      cached: startRow.cachedCalls,
      inputTokens: startRow.inputTokens,
      outputTokens: startRow.outputTokens,
      costUsd: startRow.costUsd,
    };
    hooks.onProgress?.({ ...progress });

    const provider = await providerReady;
    const queue = new PQueue({
      concurrency: o.concurrency,
      ...(o.rpm ? { intervalCap: 1, interval: Math.max(1, Math.floor(60_000 / o.rpm)) } : {}),
    });

    let stop: StopReason | null = null;
    const requestStop = (reason: StopReason) => {
      if (!stop) {
        stop = reason;
        hooks.log?.warn({ runId, reason: reason.kind }, 'llm run stopping');
      }
      wake();
    };
    const onAbort = () => requestStop({ kind: 'cancelled' });
    if (hooks.signal?.aborted) onAbort();
    hooks.signal?.addEventListener('abort', onAbort);

    const held = new Map<string, SlotState>();
    const inflight = new Set<Promise<void>>();
    let wakeResolve: (() => void) | null = null;
    const wake = () => {
      const r = wakeResolve;
      wakeResolve = null;
      r?.();
    };
    const nextWake = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wakeResolve = () => {
          clearTimeout(t);
          resolve();
        };
      });

    /** Waits until `done()` holds (checked whenever an order ends) or `ms` pass. */
    const waitUntil = async (done: () => boolean, ms: number) => {
      const until = Date.now() + ms;
      while (!done() && Date.now() < until) await nextWake(until - Date.now());
    };

    let lastNotify = 0;
    let consecutiveErrors = 0;
    const breakerLimit = Math.max(10, o.concurrency * 2);

    const ctxBase: Omit<
      OrderContext,
      | 'slot'
      | 'content'
      | 'shownLeft'
      | 'prepared'
      | 'settings'
      | 'price'
      | 'priorErrors'
      | 'finishOrder'
    > = {
      db,
      runId,
      studyId,
      provider,
      queue,
      writer: new ResultWriter(db),
      cache: new CacheWriter(db, o.concurrency),
      maxErrorAttempts: o.maxErrorAttempts,
      budgeted: o.maxCostUsd !== null,
      redact,
      isStopped: () => stop !== null,
      onBudgetExhausted: () => requestStop({ kind: 'budget' }),
      shouldNotify: () => {
        const now = Date.now();
        if (now - lastNotify < 250) return false;
        lastNotify = now;
        return true;
      },
    };

    const onOrderEnd = (state: SlotState, end: OrderEnd) => {
      if (end.kind === 'recorded') {
        if (end.inserted) progress.done++;
        if (end.failedForGood) progress.failed++;
        if (end.paid) progress.calls++;
        if (end.cached) progress.cached++;
        progress.inputTokens += end.inputTokens;
        progress.outputTokens += end.outputTokens;
        progress.costUsd += end.costUsd;
        if (end.transportError && end.failedForGood) consecutiveErrors++;
        else if (!end.transportError) consecutiveErrors = 0;
        if (consecutiveErrors >= breakerLimit) {
          requestStop({
            kind: 'failed',
            error: `the provider failed ${consecutiveErrors} times in a row; last error: ${end.error ?? 'unknown'}`,
          });
        }
        hooks.onProgress?.({ ...progress });
      }
      if (end.kind === 'fatal') requestStop({ kind: 'failed', error: end.error });
      state.open--;
      if (state.open === 0) {
        held.delete(state.slot.id);
        if (!state.allSettled) pendingRelease.push(state.slot.id);
      }
      wake();
    };
    const pendingRelease: string[] = [];

    const heartbeatMs = Math.max(200, Math.floor((o.leaseSeconds * 1000) / 3));
    let heartbeatBusy = false;
    const heartbeat = setInterval(() => {
      if (heartbeatBusy) return;
      heartbeatBusy = true;
      void (async () => {
        try {
          await renewSlotLeases(db, { ids: [...held.keys()], leaseSeconds: o.leaseSeconds });
          await touchHeartbeat(db, { runId });
          if (pendingRelease.length) await releaseSlots(db, { ids: pendingRelease.splice(0) });
        } catch (err) {
          hooks.log?.warn({ runId, err: redact(String(err)) }, 'llm run heartbeat failed');
        } finally {
          heartbeatBusy = false;
        }
      })();
    }, heartbeatMs);

    // The dashboard hears of progress about once a second, whatever the call rate.
    let announced = -1;
    const announcer = setInterval(() => {
      const finished = progress.done + progress.failed + progress.calls + progress.cached;
      if (finished === announced) return;
      announced = finished;
      notifyRun(db, { studyId, runId }).catch(() => undefined);
    }, 1_000);

    // Orders ready ahead of the calls: refilled in batches when fewer than `low` are left, so that
    // leasing costs a few queries per batch rather than per order, and C calls are always ready.
    const low = o.concurrency * 3 + 16;
    const target = low * 2;
    const pendingOrders = () => [...held.values()].reduce((n, s) => n + s.open, 0);

    try {
      while (stop === null) {
        const pending = pendingOrders();
        if (pending >= low) {
          await nextWake(1_000);
          continue;
        }
        const limit = Math.max(1, Math.ceil((target - pending) / orders));
        const leased = await leaseRunSlots(db, {
          runId,
          judgeIds,
          limit,
          leaseSeconds: o.leaseSeconds,
        });
        if (leased.length === 0) {
          if (held.size > 0) {
            // Nothing free now: look again once this worker's slots are done (or a lease may have expired).
            await waitUntil(() => held.size === 0 || stop !== null, Math.min(2_000, heartbeatMs));
            continue;
          }
          if ((await countUnfinishedRunSlots(db, { runId })) === 0) break;
          // Another worker holds the rest, or slots were blocked by another run of the same judge.
          await pruneBlockedSlots(db, { runId, judgeIds });
          if ((await countUnfinishedRunSlots(db, { runId })) === 0) break;
          await nextWake(Math.min(2_000, heartbeatMs));
          continue;
        }
        await dispatch(leased);
      }
      await Promise.all([...inflight]);
    } finally {
      clearInterval(heartbeat);
      clearInterval(announcer);
      hooks.signal?.removeEventListener('abort', onAbort);
      await Promise.allSettled([...inflight]);
      await releaseSlots(db, { ids: [...pendingRelease.splice(0), ...held.keys()] }).catch(
        () => undefined,
      );
    }

    const finalStop = stop as StopReason | null;
    await recountRun(db, { runId, orders });
    const unfinished = await countUnfinishedRunSlots(db, { runId });
    const counted = (await getRunById(db, { id: runId }))!;
    const failedByReason = await failuresByReason(db, { runId });
    let status: LlmRunStatus;
    let error: string | null = null;
    if (finalStop?.kind === 'budget') status = 'budget_exhausted';
    else if (finalStop?.kind === 'failed') {
      status = 'failed';
      error = redact(finalStop.error);
    } else if (finalStop?.kind === 'cancelled') status = 'cancelled';
    else if (unfinished > 0) status = 'running';
    else {
      const tooMany = failedRunReason(counted, failedByReason, o.maxFailedShare);
      status = tooMany ? 'failed' : 'completed';
      if (tooMany)
        error = redact(`${tooMany}; last: ${(await getLastFailure(db, { runId })) ?? 'unknown'}`);
    }
    await setRunStatus(db, { runId, status, error, finished: status !== 'running' });
    await notifyRun(db, { studyId, runId });

    const row = (await getRunById(db, { id: runId }))!;
    return {
      runId,
      status,
      error,
      judges: names,
      total: row.total,
      done: row.done,
      failed: row.failed,
      calls: row.calls,
      cached: row.cachedCalls,
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      costUsd: row.costUsd,
      failedByReason,
    };

    async function dispatch(leased: LeasedSlot[]): Promise<void> {
      const contents = await loadComparisonContents(db, {
        comparisonIds: [...new Set(leased.map((l) => l.comparisonId))],
      });
      const { settled, errors } = await settledOrders(db, {
        runId,
        assignmentIds: leased.map((l) => l.id),
        maxErrorAttempts: o.maxErrorAttempts,
      });
      const completeNow: string[] = [];
      const work: Array<{
        state: SlotState;
        content: ComparisonContent;
        side: 'a' | 'b';
        prepared: OrderContext['prepared'];
      }> = [];
      for (const slot of leased) {
        const content = contents.get(slot.comparisonId);
        const order: Array<'a' | 'b'> =
          orders === 2 ? [slot.shownLeft, slot.shownLeft === 'a' ? 'b' : 'a'] : [slot.shownLeft];
        const todo = order.filter((side) => !settled.has(`${slot.id}:${side}`));
        if (!content || todo.length === 0) {
          if (todo.length === 0) completeNow.push(slot.id);
          continue;
        }
        const state: SlotState = {
          slot,
          remaining: todo.length,
          open: todo.length,
          allSettled: true,
        };
        held.set(slot.id, state);
        const judge = settings[slot.slot]!;
        for (const side of todo) {
          const prompt = buildPrompt(content, side, {
            template: o.template,
            withReference: o.withReference,
          });
          const body = provider.buildBody(prompt, judge, content.axes);
          work.push({
            state,
            content,
            side,
            prepared: { prompt, body, key: cacheKey(provider.name, body), cached: null },
          });
        }
      }
      // One look-up for the whole batch: a re-run served from the cache costs no query per order.
      const cached = await getCachedResponses(db, { keys: work.map((w) => w.prepared.key) });
      for (const w of work) w.prepared.cached = cached.get(w.prepared.key) ?? null;
      for (const w of work)
        startOrder(
          w.state,
          w.content,
          w.side,
          errors.get(`${w.state.slot.id}:${w.side}`) ?? 0,
          w.prepared,
        );
      if (completeNow.length) {
        await completeSlots(db, { ids: completeNow });
      }
    }

    function startOrder(
      state: SlotState,
      content: ComparisonContent,
      shownLeft: 'a' | 'b',
      priorErrors: number,
      prepared: OrderContext['prepared'],
    ) {
      const s: JudgeSettings = settings[state.slot.slot]!;
      let finished = false;
      const finishOrder = (settledOrder: boolean): boolean => {
        if (finished) return false;
        finished = true;
        state.remaining--;
        if (!settledOrder) state.allSettled = false;
        return state.remaining === 0 && state.allSettled;
      };
      const p = processOrder({
        ...ctxBase,
        slot: state.slot,
        content,
        shownLeft,
        prepared,
        settings: s,
        price: prices.get(s.model) ?? null,
        priorErrors,
        finishOrder,
      })
        .catch((err: unknown): OrderEnd => {
          finishOrder(false);
          return { kind: 'fatal', error: redact(errorLine(err)) };
        })
        .then((end) => onOrderEnd(state, end));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  } catch (err) {
    // The run's own error never leaves it `running`: it ends failed with the reason (one line).
    const reason = redact(errorLine(err));
    await setRunStatus(db, { runId, status: 'failed', error: reason, finished: true })
      .catch(() =>
        setRunStatus(db, { runId, status: 'failed', error: 'internal error', finished: true }),
      )
      .catch(() => undefined);
    await notifyRun(db, { studyId, runId }).catch(() => undefined);
    throw new Error(`llm run ${runId} failed: ${reason}`, { cause: err });
  } finally {
    await liveness?.release();
  }
}
