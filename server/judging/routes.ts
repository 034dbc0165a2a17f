import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  errorResponseSchema,
  judgeMeResponseSchema,
  judgeNextResponseSchema,
  nextBodySchema,
  skipBodySchema,
  skipResponseSchema,
  verdictBodySchema,
  verdictResponseSchema,
} from '../../shared/judge-api.ts';
import { Errors } from '../errors.ts';
import type { JudgeRow } from '../auth/service.ts';
import { judgeMe, nextForJudge, skipAssignment, submitVerdict } from './service.ts';

const assignmentParams = z.object({ id: z.string().uuid() });
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
};

/**
 * The largest body a judge route reads: the largest legitimate verdict (a 10,000-character note of
 * characters JSON escapes as \uXXXX) is about 60 KB. Bodies are read after authentication; Fastify
 * refuses a larger content-length at once, and a chunked body as soon as it passes the limit.
 */
export const JUDGE_BODY_LIMIT = 64 * 1024;

function judgeOf(request: { judge: JudgeRow | null }): JudgeRow {
  if (!request.judge) throw new Errors.Unauthorized();
  return request.judge;
}

/** Everything a judge can call. Every response goes through a schema with no system identity. */
export const judgingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireJudge);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.get(
    '/me',
    { schema: { response: { 200: judgeMeResponseSchema, ...errors } } },
    async (request) => judgeMe(app.db, judgeOf(request)),
  );

  app.post(
    '/next',
    {
      bodyLimit: JUDGE_BODY_LIMIT,
      schema: {
        body: nextBodySchema,
        response: { 200: judgeNextResponseSchema, 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const next = await nextForJudge(app.db, judgeOf(request), {
        leaseSecondsOverride: app.config.leaseSecondsOverride,
        excludeId: request.body?.exclude[0],
      });
      if (!next) return reply.code(204).send(null);
      return next;
    },
  );

  app.post(
    '/assignments/:id/verdict',
    {
      bodyLimit: JUDGE_BODY_LIMIT,
      schema: {
        params: assignmentParams,
        body: verdictBodySchema,
        response: {
          200: verdictResponseSchema,
          409: errorResponseSchema,
          410: errorResponseSchema,
          ...errors,
        },
      },
    },
    async (request) => {
      const judge = judgeOf(request);
      const outcome = await submitVerdict(app.db, judge, request.params.id, request.body);
      return {
        ok: true as const,
        duplicate: outcome.duplicate,
        progress: { done: outcome.done, quota: judge.quota },
      };
    },
  );

  app.post(
    '/assignments/:id/skip',
    {
      bodyLimit: JUDGE_BODY_LIMIT,
      schema: {
        params: assignmentParams,
        body: skipBodySchema,
        response: {
          200: skipResponseSchema,
          409: errorResponseSchema,
          410: errorResponseSchema,
          ...errors,
        },
      },
    },
    async (request) => {
      const judge = judgeOf(request);
      const { done } = await skipAssignment(app.db, judge, request.params.id, request.body);
      return { ok: true as const, progress: { done, quota: judge.quota } };
    },
  );
};
