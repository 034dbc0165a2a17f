import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RETRY_AFTER_SECONDS } from '../plugins/error-handler.ts';
import { pingDatabase } from './repository.ts';
import { Errors } from '../errors.ts';

/** For load balancers and operators: 200 when the database answers, 503 (with Retry-After) when not. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: z.object({ ok: z.literal(true), db: z.literal('up') }),
          503: z.object({ ok: z.literal(false), db: z.literal('down') }),
        },
      },
    },
    async (request, reply) => {
      try {
        await pingDatabase(app.db);
        return { ok: true as const, db: 'up' as const };
      } catch (err) {
        request.log.warn({ code: Errors.DatabaseUnavailable.code, err }, 'health: database down');
        return reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send({ ok: false as const, db: 'down' as const });
      }
    },
  );
};
