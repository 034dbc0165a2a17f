import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/service.ts';
import { z } from 'zod';
import { llmRunDetailSchema, llmRunSchema, startRunBodySchema } from '../../shared/llm-api.ts';
import { createLlmRunService } from './service.ts';

const studyParams = z.object({ studyId: z.string().uuid() });
const runParams = studyParams.extend({ runId: z.string().uuid() });

/**
 * Admin routes of LLM runs: start one in this server process, list them, follow one, cancel one.
 * The same figures reach the live dashboard through `{"type":"run"}` notifications.
 */
export const llmRunRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  const runs = createLlmRunService({
    database: app.database,
    config: app.config,
    log: {
      info: (o, m) => app.log.info(o, m),
      warn: (o, m) => app.log.warn(o, m),
      error: (o, m) => app.log.error(o, m),
    },
  });
  app.addHook('onClose', runs.stopAll);

  app.post(
    '/:studyId/llm-runs',
    { schema: { params: studyParams, body: startRunBodySchema, response: { 202: llmRunSchema } } },
    async (request, reply) => {
      const run = await runs.start(
        request.params.studyId,
        request.body,
        {
          info: (o, m) => request.log.info(o, m),
          warn: (o, m) => request.log.warn(o, m),
        },
        actorOf(request.account),
      );
      return reply.code(202).send(run);
    },
  );

  app.get(
    '/:studyId/llm-runs',
    { schema: { params: studyParams, response: { 200: z.array(llmRunSchema) } } },
    async (request) => runs.list(request.params.studyId),
  );

  app.get(
    '/:studyId/llm-runs/:runId',
    { schema: { params: runParams, response: { 200: llmRunDetailSchema } } },
    async (request) => runs.detail(request.params.studyId, request.params.runId),
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
      const { activeHere } = await runs.cancel(
        request.params.studyId,
        request.params.runId,
        actorOf(request.account),
      );
      return reply.code(202).send({ ok: true as const, activeHere });
    },
  );
};
