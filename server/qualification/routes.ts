import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../../shared/judge-api.ts';
import {
  adjudicationBodySchema,
  adjudicationViewSchema,
  judgeQualificationSchema,
  qualificationAdminSchema,
  qualificationSettingsSchema,
  trainingAnswerBodySchema,
  trainingFeedbackSchema,
  trainingItemBodySchema,
  trainingItemViewSchema,
} from '../../shared/qualification-api.ts';
import type { JudgeRow } from '../auth/service.ts';
import { Errors } from '../errors.ts';
import { JUDGE_BODY_LIMIT } from '../judging/routes.ts';
import {
  addTrainingItem,
  answerTraining,
  getQualificationAdmin,
  judgeQualification,
  nextAdjudication,
  nextTraining,
  releaseJudge,
  removeTrainingItem,
  setAdjudicator,
  setQualificationSettings,
  submitAdjudication,
} from './service.ts';

const idParams = z.object({ id: z.string().uuid() });
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
};

function judgeOf(request: { judge: JudgeRow | null }): JudgeRow {
  if (!request.judge) throw new Errors.Unauthorized();
  return request.judge;
}

/**
 * A judge's training and adjudication (prefix /api/judge). Every response goes through a strict
 * schema with left/right only: no system identity, no other judge's name.
 */
export const qualificationJudgeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireJudge);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.get(
    '/qualification',
    { schema: { response: { 200: judgeQualificationSchema, ...errors } } },
    async (request) => judgeQualification(app.db, judgeOf(request)),
  );

  app.post(
    '/qualification/next',
    { schema: { response: { 200: trainingItemViewSchema, 204: z.null(), ...errors } } },
    async (request, reply) => {
      const next = await nextTraining(app.db, judgeOf(request));
      if (!next) return reply.code(204).send(null);
      return next;
    },
  );

  app.post(
    '/qualification/items/:id/answer',
    {
      bodyLimit: JUDGE_BODY_LIMIT,
      schema: {
        params: idParams,
        body: trainingAnswerBodySchema,
        response: { 200: trainingFeedbackSchema, ...errors },
      },
    },
    async (request) => answerTraining(app.db, judgeOf(request), request.params.id, request.body),
  );

  app.post(
    '/adjudication/next',
    { schema: { response: { 200: adjudicationViewSchema, 204: z.null(), ...errors } } },
    async (request, reply) => {
      const next = await nextAdjudication(app.db, judgeOf(request));
      if (!next) return reply.code(204).send(null);
      return next;
    },
  );

  app.post(
    '/adjudication/:id',
    {
      bodyLimit: JUDGE_BODY_LIMIT,
      schema: {
        params: idParams,
        body: adjudicationBodySchema,
        response: {
          200: z.strictObject({ ok: z.literal(true), duplicate: z.boolean() }),
          409: errorResponseSchema,
          410: errorResponseSchema,
          ...errors,
        },
      },
    },
    async (request) => {
      const out = await submitAdjudication(
        app.db,
        judgeOf(request),
        request.params.id,
        request.body,
      );
      return { ok: true as const, duplicate: out.duplicate };
    },
  );
};

const studyParams = z.object({ studyId: z.string().uuid() });
const judgeParams = studyParams.extend({ judgeId: z.string().uuid() });
const ok = z.object({ ok: z.literal(true) });

/** A study's training set, qualification and adjudication settings, holds (prefix /api/studies, admin). */
export const qualificationAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get(
    '/:studyId/qualification',
    { schema: { params: studyParams, response: { 200: qualificationAdminSchema, ...errors } } },
    async (request) => getQualificationAdmin(app.db, { studyId: request.params.studyId }),
  );

  app.put(
    '/:studyId/qualification',
    {
      schema: {
        params: studyParams,
        body: qualificationSettingsSchema,
        response: { 200: qualificationAdminSchema, ...errors },
      },
    },
    async (request) =>
      setQualificationSettings(app.db, {
        studyId: request.params.studyId,
        settings: request.body,
      }),
  );

  app.post(
    '/:studyId/qualification/items',
    {
      schema: {
        params: studyParams,
        body: trainingItemBodySchema,
        response: { 201: z.object({ id: z.string().uuid(), created: z.boolean() }), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await addTrainingItem(app.db, { studyId: request.params.studyId, body: request.body }),
        ),
  );

  app.delete(
    '/:studyId/qualification/items/:id',
    {
      schema: {
        params: studyParams.extend({ id: z.string().uuid() }),
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      await removeTrainingItem(app.db, request.params);
      return { ok: true as const };
    },
  );

  app.post(
    '/:studyId/judges/:judgeId/release',
    { schema: { params: judgeParams, response: { 200: ok, ...errors } } },
    async (request) => {
      await releaseJudge(app.db, request.params);
      return { ok: true as const };
    },
  );

  app.put(
    '/:studyId/judges/:judgeId/adjudicator',
    {
      schema: {
        params: judgeParams,
        body: z.strictObject({ adjudicator: z.boolean() }),
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      await setAdjudicator(app.db, { ...request.params, adjudicator: request.body.adjudicator });
      return { ok: true as const };
    },
  );
};
