import { recordAdminAction } from '../audit/service.ts';
import type { LlmRun, LlmRunDetail, StartRunBody } from '../../shared/llm-api.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { Errors } from '../errors.ts';
import { countStudyContents } from '../readmodel/study-progress.ts';
import { getStudyById } from '../studies/service.ts';
import { DEFAULTS, resolveProviderAccess, runFingerprint, type RunOptions } from './config.ts';
import { failuresByReason, getRunById, listRunsByStudy, type RunRow } from './repository.ts';
import { runJudging, type RunLogger } from './runner.ts';
import { errorLine } from './stored-text.ts';
import { defaultTemplate, parseTemplate } from './template.ts';
import type { RunConfig } from './types.ts';
import { toApi } from './view.ts';

/**
 * Settings of a run that only `tracearena judge` sets; a run started over HTTP takes the defaults.
 * `templateSource` names where the template's text came from (its file), in errors and in the run.
 */
export interface RunTuning {
  templateSource?: string;
  leaseSeconds?: number;
  timeoutMs?: number;
  maxRetries?: number;
  maxFailedShare?: number;
}

/**
 * A start body (the route's, or the CLI's flags parsed into the same schema) as the runner takes
 * it: the template parsed (TA_BAD_REQUEST when it is not one) and the key resolved from the
 * operator's allowlist (TA_LLM_NOT_ALLOWED, TA_LLM_KEY_MISSING), never from the request.
 */
export function toRunOptions(
  config: Config,
  studyId: string,
  body: StartRunBody,
  tuning: RunTuning = {},
): RunOptions {
  let template = defaultTemplate();
  if (body.template !== undefined) {
    try {
      template = parseTemplate(body.template, tuning.templateSource ?? 'template');
    } catch (err) {
      throw new Errors.BadRequest(err instanceof Error ? err.message : String(err));
    }
  }
  const { baseUrl, apiKeyEnv, apiKey } = resolveProviderAccess(config, body);
  return {
    studyId,
    provider: body.provider,
    models: body.models,
    baseUrl,
    apiKey,
    apiKeyEnv,
    concurrency: body.concurrency,
    rpm: body.rpm ?? null,
    swap: body.swap,
    maxCostUsd: body.maxCostUsd ?? null,
    template,
    withReference: body.withReference,
    temperature: body.temperature,
    maxTokens: body.maxTokens,
    seed: body.seed ?? null,
    structured: body.structured,
    prices: body.prices ?? {},
    leaseSeconds: tuning.leaseSeconds ?? DEFAULTS.leaseSeconds,
    timeoutMs: tuning.timeoutMs ?? DEFAULTS.timeoutMs,
    maxRetries: tuning.maxRetries ?? DEFAULTS.maxRetries,
    maxErrorAttempts: DEFAULTS.maxErrorAttempts,
    maxFailedShare: tuning.maxFailedShare,
    databaseUrl: config.databaseUrl,
  };
}

/**
 * How many comparisons the study has: a run needs `pair` first. Counted by the read model until
 * judging's service offers the count (comparisons are judging's table).
 */
export async function countComparisons(database: Database, studyId: string): Promise<number> {
  return (await countStudyContents(database.db, { studyId })).comparisons;
}

export interface ServiceLogger extends RunLogger {
  error(obj: Record<string, unknown>, msg: string): void;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<unknown>;
  fingerprint: string;
}

/**
 * The LLM runs this server process works on: started from the admin API, listed, followed and
 * cancelled there. One worker per run per process (a second start of the same run is refused);
 * other processes (the CLI) may work on the same run at once, the queue's leases keep them apart.
 */
export function createLlmRunService({
  database,
  config,
  log,
}: {
  database: Database;
  config: Config;
  log: ServiceLogger;
}) {
  /** By run id once the run row exists; by `pending:<fingerprint>` until then. */
  const active = new Map<string, ActiveRun>();
  const isActive = (runId: string) => active.has(runId);

  /** Starts the run in this process and answers once its row exists (the work goes on). */
  async function start(
    studyId: string,
    body: StartRunBody,
    requestLog: RunLogger,
    /** Who starts the run, for the audit trail: 'account:<name>' over HTTP. */
    actor = 'admin',
  ): Promise<LlmRun> {
    const study = await getStudyById(database.db, { id: studyId });
    if (!study) throw new Errors.NotFound('study');
    const options = toRunOptions(config, study.id, body);
    const fingerprint = runFingerprint(options);
    if ([...active.values()].some((a) => a.fingerprint === fingerprint)) {
      throw new Errors.LlmRunActive();
    }
    const pending = `pending:${fingerprint}`;
    const controller = new AbortController();
    const started = new Promise<RunRow>((resolve, reject) => {
      const done = runJudging(database, options, {
        signal: controller.signal,
        onStart: resolve,
        actor,
        log: { info: (o, m) => requestLog.info(o, m), warn: (o, m) => log.warn(o, m) },
      });
      const entry = { controller, done, fingerprint };
      void done
        .then(
          (s) => {
            const figures = {
              runId: s.runId,
              status: s.status,
              done: s.done,
              failed: s.failed,
              failedByReason: s.failedByReason,
              costUsd: s.costUsd,
            };
            if (s.status === 'failed') log.error({ ...figures, error: s.error }, 'llm run failed');
            else log.info(figures, 'llm run ended');
          },
          (err: unknown) => {
            reject(err instanceof Error ? err : new Error(String(err)));
            log.error({ err }, 'llm run failed');
          },
        )
        .finally(() => {
          for (const [id, a] of active) if (a === entry) active.delete(id);
        });
      active.set(pending, entry);
    });
    let run: RunRow;
    try {
      run = await started;
    } catch (err) {
      requestLog.warn({ err }, 'llm run did not start');
      throw new Errors.BadRequest(errorLine(err));
    }
    const entry = active.get(pending);
    if (entry) {
      active.delete(pending);
      active.set(run.id, entry);
    }
    return toApi(run, isActive(run.id));
  }

  async function list(studyId: string): Promise<LlmRun[]> {
    return (await listRunsByStudy(database.db, { studyId })).map((r) => toApi(r, isActive(r.id)));
  }

  /** The study's run (TA_NOT_FOUND when it is not one of the study's). */
  async function requireRun(studyId: string, runId: string): Promise<RunRow> {
    const run = await getRunById(database.db, { id: runId });
    if (!run || run.studyId !== studyId) throw new Errors.NotFound('run');
    return run;
  }

  /** A run with why its orders failed and the settings it was started with (never a key). */
  async function detail(studyId: string, runId: string): Promise<LlmRunDetail> {
    const run = await requireRun(studyId, runId);
    const stored = run.config as unknown as Partial<RunConfig>;
    return {
      ...toApi(run, isActive(run.id)),
      failedByReason: await failuresByReason(database.db, { runId: run.id }),
      config: {
        provider: stored.judges?.[0]?.provider ?? null,
        baseUrl: stored.baseUrl ?? null,
        apiKeyEnv: stored.apiKeyEnv ?? null,
        concurrency: stored.concurrency ?? null,
        rpm: stored.rpm ?? null,
        template: stored.template?.source ?? null,
      },
    };
  }

  /** Asks this process's worker to stop; whether there was one here. */
  async function cancel(
    studyId: string,
    runId: string,
    actor = 'admin',
  ): Promise<{ activeHere: boolean }> {
    const run = await requireRun(studyId, runId);
    const entry = active.get(run.id);
    entry?.controller.abort();
    await recordAdminAction(database.db, {
      studyId: run.studyId,
      actor,
      action: 'llm_run_cancel',
      details: { run_id: run.id, active_here: entry !== undefined },
    });
    return { activeHere: entry !== undefined };
  }

  /** At shutdown: stops every worker and waits for their calls in flight to be stored. */
  async function stopAll(): Promise<void> {
    for (const a of active.values()) a.controller.abort();
    await Promise.allSettled([...active.values()].map((a) => a.done));
  }

  return { start, list, detail, cancel, stopAll };
}

export type LlmRunService = ReturnType<typeof createLlmRunService>;
