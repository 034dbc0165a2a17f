import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  accountNameSchema,
  accountSchema,
  createAccountBodySchema,
  createAccountResponseSchema,
  grantRoleBodySchema,
  inviteBodySchema,
  inviteResponseSchema,
  judgeSummarySchema,
  meSchema,
  studyRoleEntrySchema,
} from '../../shared/admin-api.ts';
import { judgeQualitySchema } from '../../shared/admin-views.ts';
import { errorResponseSchema } from '../../shared/judge-api.ts';
import {
  actorOf,
  addAccount,
  authorizeServerChange,
  grantStudyRole,
  listAccounts,
  listStudyRoles,
  removeStudyRole,
  revokeAccount,
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

const nameParams = z.object({ name: accountNameSchema });

/**
 * Accounts (server-admins only, except GET /api/accounts/me): named people with their own
 * tokens, listed with their last use, revocable.
 */
export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get('/me', { schema: { response: { 200: meSchema } } }, async (request) => ({
    name: request.account!.name,
    serverAdmin: request.account!.serverAdmin,
  }));

  app.get('/', { schema: { response: { 200: z.array(accountSchema) } } }, async (request) => {
    authorizeServerChange(request.account!);
    return listAccounts(app.db);
  });

  app.post(
    '/',
    { schema: { body: createAccountBodySchema, response: { 201: createAccountResponseSchema } } },
    async (request, reply) => {
      return reply.code(201).send(await addAccount(app.db, request.body));
    },
  );

  app.post(
    '/:name/revoke',
    { schema: { params: nameParams, response: { 200: accountSchema } } },
    async (request) => revokeAccount(app.db, request.params),
  );
};

/** A study's people: owners and viewers (listed to anyone with a role; changed by owners). */
export const studyRoleRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  const params = studyParams.extend({ name: accountNameSchema });

  app.get(
    '/:studyId/roles',
    { schema: { params: studyParams, response: { 200: z.array(studyRoleEntrySchema) } } },
    async (request) => listStudyRoles(app.db, request.params),
  );

  app.put(
    '/:studyId/roles/:name',
    {
      schema: {
        params,
        body: grantRoleBodySchema,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      await grantStudyRole(app.db, {
        ...request.params,
        role: request.body.role,
        grantedBy: actorOf(request.account),
      });
      return { ok: true as const };
    },
  );

  app.delete(
    '/:studyId/roles/:name',
    { schema: { params, response: { 200: z.object({ ok: z.literal(true) }) } } },
    async (request) => {
      await removeStudyRole(app.db, request.params);
      return { ok: true as const };
    },
  );
};
