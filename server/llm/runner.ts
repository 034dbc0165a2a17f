import { recordAdminAction } from '../audit/service.ts';
import type { Database } from '../db/client.ts';
import { RunCalls } from './call.ts';
import type { RunOptions } from './config.ts';
import { RunControl } from './control.ts';
import { RunLeases } from './lease.ts';
import { joinRun, type Liveness } from './liveness.ts';
import { planRun, runPrices } from './plan.ts';
import { announceProgress, notifyThrottle, RunTally } from './progress.ts';
import { createProvider } from './providers/provider.ts';
import { makeRedactor } from './providers/errors.ts';
import { clearReservations, type RunRow } from './repository.ts';
import { failRun, finishRun, startRun } from './run-status.ts';
import { releaseRunSlots } from '../judging/service.ts';
import { errorLine } from './stored-text.ts';
import type { RunProgress, RunSummary } from './types.ts';

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
  /** Who started the run, for the audit trail (docs/audit.md): 'admin' over HTTP, 'cli'. */
  actor?: string;
}

/**
 * Runs (or resumes) an LLM-judge run to the end, in four units: plan (plan.ts: the run, its judges
 * and slots), lease (lease.ts: slots from judging's one queue, in batches), call (call.ts and
 * order.ts: each slot's judge model asked about each order) and record (record.ts: verdicts and
 * attempts stored as they come). Provider calls go through one p-queue (concurrency and requests
 * per minute); database work happens outside it, so C calls are in flight whenever work is left (a
 * call's slot waits only while C answers wait for their cache write: order.ts). Safe to run in
 * several processes at once and to kill at any point: leases, unique verdicts and the response
 * cache make a restart finish the work without duplicates, asking again at most 2 x C calls (those
 * in flight and those being cached).
 */
export async function runJudging(
  database: Database,
  o: RunOptions,
  hooks: RunHooks = {},
): Promise<RunSummary> {
  const db = database.db;
  const redact = makeRedactor(o.apiKey);
  const prices = runPrices(o);
  // The SDK loads while the run is planned.
  const providerReady = createProvider(o.provider, {
    apiKey: o.apiKey,
    baseUrl: o.baseUrl,
    maxRetries: o.maxRetries,
    timeoutMs: o.timeoutMs,
  });
  providerReady.catch(() => undefined);
  const plan = await planRun(database, o);
  const { judgeIds, orders } = plan;
  const runId = plan.run.id;
  const studyId = plan.run.studyId;
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
    const { row, progress } = await startRun(db, { runId, studyId, orders });
    await recordAdminAction(db, {
      studyId,
      actor: hooks.actor ?? 'cli',
      action: 'llm_run_start',
      details: { run_id: runId, judges: plan.names, orders, total: row.total, done: row.done },
    });
    hooks.onStart?.(row);
    hooks.onProgress?.({ ...progress });
    const provider = await providerReady;

    const control = new RunControl((reason) =>
      hooks.log?.warn({ runId, reason: reason.kind }, 'llm run stopping'),
    );
    const onAbort = () => control.requestStop({ kind: 'cancelled' });
    if (hooks.signal?.aborted) onAbort();
    hooks.signal?.addEventListener('abort', onAbort);

    const tally = new RunTally(progress, {
      breakerLimit: Math.max(10, o.concurrency * 2),
      onProgress: hooks.onProgress,
      // the run's error is one line: providers' messages carry newlines ("Incorrect API key
      // provided.\nYou can find…"), which split the CLI's last line and went into llm_runs.error
      onBreak: (error) => control.requestStop({ kind: 'failed', error: errorLine(error) }),
    });
    const leases = new RunLeases(db, { runId, judgeIds, leaseSeconds: o.leaseSeconds }, (err) =>
      hooks.log?.warn({ runId, err: redact(String(err)) }, 'llm run heartbeat failed'),
    );
    const calls = new RunCalls(db, o, {
      runId,
      studyId,
      orders,
      settings: plan.settings,
      prices,
      provider,
      leases,
      redact,
      isStopped: () => control.stopped,
      onBudgetExhausted: () => control.requestStop({ kind: 'budget' }),
      onFatal: (error) => control.requestStop({ kind: 'failed', error: errorLine(error) }),
      shouldNotify: notifyThrottle(),
      onEnd: (state, end) => {
        if (end.kind === 'recorded') tally.add(end);
        if (end.kind === 'fatal')
          control.requestStop({ kind: 'failed', error: errorLine(end.error) });
        leases.orderStored(state);
        control.wake();
      },
    });
    const stopAnnouncing = announceProgress(db, { studyId, runId, progress });

    // Orders ready ahead of the calls: refilled in batches when fewer than `low` are left, so that
    // leasing costs a few queries per batch rather than per order, and C calls are always ready.
    const low = o.concurrency * 3 + 16;
    const target = low * 2;
    const idleMs = Math.min(2_000, leases.heartbeatMs);
    // The first batch only fills the C calls, so that they start before the rest is leased and
    // loaded (the whole first batch took about a second on PGlite before any call went out).
    let first = true;
    try {
      while (!control.stopped) {
        const pending = leases.pendingOrders();
        if (pending >= low) {
          await control.nextWake(1_000);
          continue;
        }
        const want = first ? o.concurrency : target - pending;
        first = false;
        const leased = await leases.lease(Math.max(1, Math.ceil(want / orders)));
        if (leased.length > 0) await calls.dispatch(leased);
        else if (leases.held.size > 0) {
          // Nothing free now: look again once this worker's slots are done (or a lease may have expired).
          await control.waitUntil(() => leases.held.size === 0 || control.stopped, idleMs);
        } else if (await leases.runFinished()) break;
        // Another worker holds the rest.
        else await control.nextWake(idleMs);
      }
      await calls.settle();
    } finally {
      leases.stopHeartbeat();
      stopAnnouncing();
      hooks.signal?.removeEventListener('abort', onAbort);
      await calls.drain();
      await leases.releaseAll();
    }

    const summary = await finishRun(db, {
      runId,
      studyId,
      orders,
      stop: control.stop,
      judges: plan.names,
      maxFailedShare: o.maxFailedShare,
      redact,
    });
    await recordAdminAction(db, {
      studyId,
      actor: `llm-run:${runId}`,
      action: 'llm_run_end',
      details: {
        run_id: runId,
        status: summary.status,
        done: summary.done,
        failed: summary.failed,
        cost_usd: summary.costUsd,
      },
    });
    return summary;
  } catch (err) {
    const reason = redact(errorLine(err));
    await failRun(db, { runId, studyId, reason });
    await recordAdminAction(db, {
      studyId,
      actor: `llm-run:${runId}`,
      action: 'llm_run_end',
      details: { run_id: runId, status: 'failed', error: reason },
    }).catch(() => undefined);
    throw new Error(`llm run ${runId} failed: ${reason}`, { cause: err });
  } finally {
    await liveness?.release();
  }
}
