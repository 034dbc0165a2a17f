import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allocationSettingsSchema } from '../../shared/admin-api.ts';
import { getStudyById, requireStudy, setAllocationSettings } from '../studies/service.ts';
import { refreshAllocation } from './allocation.ts';

const studyParams = z.object({ studyId: z.string().uuid() });
const settingsResponse = z.object({
  targetHalfWidth: z.number().nullable(),
  autoStop: z.boolean(),
  adaptive: z.boolean(),
});

/**
 * A study's allocation settings (issue 15), admin only: `GET` and `PUT /api/studies/:id/allocation`.
 * A change steers the queue at once (auto-stop parks or unparks pairs, adaptive reorders).
 */
export const allocationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get(
    '/:studyId/allocation',
    { schema: { params: studyParams, response: { 200: settingsResponse } } },
    async (request) => {
      const s = await requireStudy(app.db, { id: request.params.studyId });
      return { targetHalfWidth: s.targetHalfWidth, autoStop: s.autoStop, adaptive: s.adaptive };
    },
  );

  app.put(
    '/:studyId/allocation',
    {
      schema: {
        params: studyParams,
        body: allocationSettingsSchema,
        response: { 200: settingsResponse },
      },
    },
    async (request) => {
      const id = request.params.studyId;
      await setAllocationSettings(app.db, { id, ...request.body });
      await refreshAllocation(app.db, { studyId: id });
      const s = (await getStudyById(app.db, { id }))!;
      return { targetHalfWidth: s.targetHalfWidth, autoStop: s.autoStop, adaptive: s.adaptive };
    },
  );
};
