import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Errors } from '../errors.ts';
import { getStudyById } from '../studies/repository.ts';
import {
  llmRunDetailSchema,
  llmRunSchema,
  startRunBodySchema,
  type StartRunBody,
} from '../../shared/llm-api.ts';
import {
  DEFAULTS,
  LlmAccessError,
  resolveProviderAccess,
  runFingerprint,
  type RunOptions,
} from './config.ts';
import { failuresByReason, getRunById, listRunsByStudy, type RunRow } from './repository.ts';
import { runJudging } from './runner.ts';
import { errorLine } from './stored-text.ts';
import { toApi } from './view.ts';
import { defaultTemplate, parseTemplate } from './template.ts';
import type { RunConfig } from './types.ts';

const studyParams = z.object({ studyId: z.string().uuid() });
const runParams = studyParams.extend({ runId: z.string().uuid() });

/**
 * Admin routes of LLM runs: start one in this server process, list them, follow one, cancel one.
 * The same figures reach the live dashboard through `{"type":"run"}` notifications.
 */
export const llmRunRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  /** Runs worked on by this process, by run id and by fingerprint (one worker per run per process). */
  const active = new Map<
    string,
    { controller: AbortController; done: Promise<unknown>; fingerprint: string }
  >();

  app.addHook('onClose', async () => {
    for (const a of active.values()) a.controller.abort();
    await Promise.allSettled([...active.values()].map((a) => a.done));
  });

  app.post(
    '/:studyId/llm-runs',
    { schema: { params: studyParams, body: startRunBodySchema, response: { 202: llmRunSchema } } },
    async (request, reply) => {
      const study = await getStudyById(app.db, { id: request.params.studyId });
      if (!study) throw new Errors.NotFound('study');
      const options = toRunOptions(study.id, request.body);
      const fingerprint = runFingerprint(options);
      if ([...active.values()].some((a) => a.fingerprint === fingerprint)) {
        throw new Errors.LlmRunActive();
      }
      const controller = new AbortController();
      const started = new Promise<RunRow>((resolve, reject) => {
        const done = runJudging(app.database, options, {
          signal: controller.signal,
          onStart: resolve,
          log: { info: (o, m) => request.log.info(o, m), warn: (o, m) => app.log.warn(o, m) },
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
              if (s.status === 'failed')
                app.log.error({ ...figures, error: s.error }, 'llm run failed');
              else app.log.info(figures, 'llm run ended');
            },
            (err: unknown) => {
              reject(err instanceof Error ? err : new Error(String(err)));
              app.log.error({ err }, 'llm run failed');
            },
          )
          .finally(() => {
            for (const [id, a] of active) if (a === entry) active.delete(id);
          });
        active.set(`pending:${fingerprint}`, entry);
      });
      let run: RunRow;
      try {
        run = await started;
      } catch (err) {
        request.log.warn({ err }, 'llm run did not start');
        throw new Errors.BadRequest(errorLine(err));
      }
      const entry = active.get(`pending:${fingerprint}`);
      if (entry) {
        active.delete(`pending:${fingerprint}`);
        active.set(run.id, entry);
      }
      return reply.code(202).send(toApi(run, active.has(run.id)));
    },
  );

  app.get(
    '/:studyId/llm-runs',
    { schema: { params: studyParams, response: { 200: z.array(llmRunSchema) } } },
    async (request) =>
      (await listRunsByStudy(app.db, { studyId: request.params.studyId })).map((r) =>
        toApi(r, active.has(r.id)),
      ),
  );

  app.get(
    '/:studyId/llm-runs/:runId',
    { schema: { params: runParams, response: { 200: llmRunDetailSchema } } },
    async (request) => {
      const run = await getRunById(app.db, { id: request.params.runId });
      if (!run || run.studyId !== request.params.studyId) throw new Errors.NotFound('run');
      const config = run.config as unknown as Partial<RunConfig>;
      return {
        ...toApi(run, active.has(run.id)),
        failedByReason: await failuresByReason(app.db, { runId: run.id }),
        config: {
          provider: config.judges?.[0]?.provider ?? null,
          baseUrl: config.baseUrl ?? null,
          apiKeyEnv: config.apiKeyEnv ?? null,
          concurrency: config.concurrency ?? null,
          rpm: config.rpm ?? null,
          template: config.template?.source ?? null,
        },
      };
    },
  );

  app.post(
    '/:studyId/llm-runs/:runId/cancel',
    {
      schema: {
        params: runParams,
        response: { 202: z.object({ ok: z.literal(true), activeHere: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const run = await getRunById(app.db, { id: request.params.runId });
      if (!run || run.studyId !== request.params.studyId) throw new Errors.NotFound('run');
      const entry = active.get(run.id);
      entry?.controller.abort();
      return reply.code(202).send({ ok: true as const, activeHere: entry !== undefined });
    },
  );

  function toRunOptions(studyId: string, body: StartRunBody): RunOptions {
    let template = defaultTemplate();
    if (body.template) {
      try {
        template = parseTemplate(body.template, 'template');
      } catch (err) {
        throw new Errors.BadRequest(err instanceof Error ? err.message : String(err));
      }
    }
    // Where the key may go and which key: the operator's allowlist (server config), never the request.
    let access: ReturnType<typeof resolveProviderAccess>;
    try {
      access = resolveProviderAccess(app.config, body);
    } catch (err) {
      if (!(err instanceof LlmAccessError)) throw err;
      throw err.reason === 'key_missing'
        ? new Errors.LlmKeyMissing(err.message)
        : new Errors.LlmNotAllowed(err.message);
    }
    const { baseUrl, apiKeyEnv, apiKey } = access;
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
      leaseSeconds: DEFAULTS.leaseSeconds,
      timeoutMs: DEFAULTS.timeoutMs,
      maxRetries: DEFAULTS.maxRetries,
      maxErrorAttempts: DEFAULTS.maxErrorAttempts,
      databaseUrl: app.config.databaseUrl,
    };
  }
};
