import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createStudyBodySchema,
  inviteBodySchema,
  inviteResponseSchema,
  judgeSummarySchema,
  studyListEntrySchema,
  studySchema,
  studySummarySchema,
} from '../../shared/admin-api.ts';
import { createInvite, revokeJudge } from '../auth/repository.ts';
import { Errors } from '../errors.ts';
import { inviteUrl, listJudgeSummaries } from './invites.ts';
import {
  countStudyContents,
  getProgressByStudy,
  getStudyById,
  insertStudy,
  listStudies,
  listSystems,
  toStudy,
} from './repository.ts';

const studyParams = z.object({ studyId: z.string().uuid() });

export const studyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get('/', { schema: { response: { 200: z.array(studyListEntrySchema) } } }, async () => {
    const [rows, progress] = await Promise.all([listStudies(app.db), getProgressByStudy(app.db)]);
    const none = { judged: 0, planned: 0 };
    return rows.map((row) => ({
      ...toStudy(row),
      progress: progress.get(row.id) ?? { human: none, llm: none },
    }));
  });

  app.post(
    '/',
    { schema: { body: createStudyBodySchema, response: { 201: studySchema } } },
    async (request, reply) => {
      const row = await insertStudy(app.db, request.body);
      if (!row) throw new Errors.StudyExists(request.body.name);
      return reply.code(201).send(toStudy(row));
    },
  );

  app.get(
    '/:studyId',
    { schema: { params: studyParams, response: { 200: studySummarySchema } } },
    async (request) => {
      const row = await getStudyById(app.db, { id: request.params.studyId });
      if (!row) throw new Errors.NotFound('study');
      const [counts, systems] = await Promise.all([
        countStudyContents(app.db, { studyId: row.id }),
        listSystems(app.db, { studyId: row.id }),
      ]);
      return { ...toStudy(row), counts, systems: systems.map((s) => ({ id: s.id, name: s.name })) };
    },
  );

  app.get(
    '/:studyId/judges',
    { schema: { params: studyParams, response: { 200: z.array(judgeSummarySchema) } } },
    async (request) => listJudgeSummaries(app.db, { studyId: request.params.studyId }),
  );

  app.post(
    '/:studyId/invites',
    {
      schema: {
        params: studyParams,
        body: inviteBodySchema,
        response: { 201: inviteResponseSchema },
      },
    },
    async (request, reply) => {
      const study = await getStudyById(app.db, { id: request.params.studyId });
      if (!study) throw new Errors.NotFound('study');
      const created = await createInvite(app.db, { studyId: study.id, ...request.body });
      if (!created)
        throw new Errors.BadRequest(
          `a judge named '${request.body.name}' already exists in this study`,
        );
      const base = app.config.publicUrl ?? `${request.protocol}://${request.host}`;
      return reply.code(201).send({
        judgeId: created.judge.id,
        name: created.judge.name,
        quota: created.judge.quota,
        token: created.token,
        url: inviteUrl(base, created.token),
      });
    },
  );

  app.post(
    '/:studyId/judges/:judgeId/revoke',
    {
      schema: {
        params: studyParams.extend({ judgeId: z.string().uuid() }),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      const row = await revokeJudge(app.db, { judgeId: request.params.judgeId });
      if (!row || row.studyId !== request.params.studyId) throw new Errors.NotFound('judge');
      return { ok: true as const };
    },
  );
};
