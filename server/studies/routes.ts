import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createStudyBodySchema,
  studyListEntrySchema,
  studySchema,
  studySummarySchema,
} from '../../shared/admin-api.ts';
import { createStudy, getStudySummary, listStudiesWithProgress, toStudy } from './service.ts';

const studyParams = z.object({ studyId: z.string().uuid() });

export const studyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get('/', { schema: { response: { 200: z.array(studyListEntrySchema) } } }, async () =>
    listStudiesWithProgress(app.db),
  );

  app.post(
    '/',
    { schema: { body: createStudyBodySchema, response: { 201: studySchema } } },
    async (request, reply) =>
      reply.code(201).send(toStudy(await createStudy(app.db, request.body))),
  );

  app.get(
    '/:studyId',
    { schema: { params: studyParams, response: { 200: studySummarySchema } } },
    async (request) => getStudySummary(app.db, { id: request.params.studyId }),
  );
};
