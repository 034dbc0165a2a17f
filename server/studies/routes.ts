import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createStudyBodySchema,
  studyListEntrySchema,
  studySchema,
  studySummarySchema,
} from '../../shared/admin-api.ts';
import { visibleStudyIds } from '../auth/service.ts';
import { createStudy, getStudySummary, listStudiesWithProgress, toStudy } from './service.ts';

const studyParams = z.object({ studyId: z.string().uuid() });

export const studyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  // only the studies the account has a role on (every study for a server-admin)
  app.get('/', { schema: { response: { 200: z.array(studyListEntrySchema) } } }, async (request) =>
    listStudiesWithProgress(app.db, {
      visible: await visibleStudyIds(app.db, { account: request.account! }),
    }),
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
