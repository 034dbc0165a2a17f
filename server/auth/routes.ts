import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  inviteBodySchema,
  inviteResponseSchema,
  judgeSummarySchema,
} from '../../shared/admin-api.ts';
import { judgeQualitySchema } from '../../shared/admin-views.ts';
import { errorResponseSchema } from '../../shared/judge-api.ts';
import {
  getJudgeQuality,
  inviteJudge,
  inviteUrl,
  listJudgeSummaries,
  revokeJudge,
} from './service.ts';

const studyParams = z.object({ studyId: z.string().uuid() });
const errors = { 400: errorResponseSchema, 404: errorResponseSchema };

/** A study's judges (admin only): invites, the list, revocation and quality figures. */
export const judgeAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

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
      const created = await inviteJudge(app.db, {
        studyId: request.params.studyId,
        ...request.body,
      });
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
      await revokeJudge(app.db, request.params);
      return { ok: true as const };
    },
  );

  app.get(
    '/:studyId/judge-quality',
    { schema: { params: studyParams, response: { 200: z.array(judgeQualitySchema), ...errors } } },
    async (request) => getJudgeQuality(app.db, { studyId: request.params.studyId }),
  );
};
