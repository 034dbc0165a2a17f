import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/service.ts';
import { z } from 'zod';
import { errorResponseSchema } from '../../shared/judge-api.ts';
import {
  lockPlanBodySchema,
  lockedPlanSchema,
  planResponseSchema,
  powerQuerySchema,
  powerResponseSchema,
} from '../../shared/plan.ts';
import { requireStudy } from '../studies/service.ts';
import { samplePower } from './power.ts';
import { getLockedPlan, lockPlan } from './service.ts';

const studyParams = z.object({ studyId: z.string().uuid() });

/** A study's locked analysis plan (admin only): read it, or lock one (docs/plan.md). */
export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get(
    '/:studyId/plan',
    {
      schema: {
        params: studyParams,
        response: { 200: planResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const study = await requireStudy(app.db, { id: request.params.studyId });
      return { plan: await getLockedPlan(app.db, { studyId: study.id }) };
    },
  );

  // Locks the plan: 409 when one is locked (it never changes) or when judging has started and
  // `force` is not set; 422 when a primary system is not in the study.
  app.post(
    '/:studyId/plan',
    {
      schema: {
        params: studyParams,
        body: lockPlanBodySchema,
        response: {
          201: lockedPlanSchema,
          404: errorResponseSchema,
          409: errorResponseSchema,
          422: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const locked = await lockPlan(app.db, {
        studyId: request.params.studyId,
        plan: request.body.plan,
        force: request.body.force,
        lockedBy: `${actorOf(request.account)} (HTTP)`,
        actor: actorOf(request.account),
      });
      return reply.code(201).send(locked);
    },
  );
};

/** The sample-size calculator (admin only): `tracearena plan power` over HTTP. */
export const planPowerRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  app.get(
    '/power',
    {
      schema: {
        querystring: powerQuerySchema,
        response: { 200: powerResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => samplePower(request.query),
  );
};
