import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/service.ts';
import { z } from 'zod';
import { pairBodySchema, pairResultSchema } from '../../shared/admin-api.ts';
import { pairStudy } from './service.ts';

export const pairingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  app.post(
    '/:studyId/pairings',
    {
      schema: {
        params: z.object({ studyId: z.string().uuid() }),
        body: pairBodySchema,
        response: { 201: pairResultSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await pairStudy(app.db, request.params.studyId, request.body, actorOf(request.account)),
        ),
  );
};
