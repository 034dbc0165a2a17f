import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { storableText } from '../../shared/text.ts';
import { actorOf } from '../auth/service.ts';
import { z } from 'zod';
import {
  flagDecisionSchema,
  flaggedOutputSchema,
  integrityViewSchema,
  scanResultSchema,
  wordBodySchema,
} from '../../shared/integrity-api.ts';
import { scheduleAllocationRefresh } from '../judging/allocation.ts';
import { addWord, decideFlag, integrityView, removeWord, rescanStudy } from './service.ts';

/** The admin's identity-leak routes (docs/integrity.md), under /api/studies. */
export const integrityRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  const study = z.object({ studyId: z.string().uuid() });

  app.get(
    '/:studyId/integrity',
    { schema: { params: study, response: { 200: integrityViewSchema } } },
    async (request) => integrityView(app.db, { studyId: request.params.studyId }),
  );

  app.post(
    '/:studyId/integrity/scan',
    { schema: { params: study, response: { 200: scanResultSchema } } },
    async (request) =>
      rescanStudy(app.db, { studyId: request.params.studyId, actor: actorOf(request.account) }),
  );

  app.post(
    '/:studyId/integrity/words',
    { schema: { params: study, body: wordBodySchema, response: { 200: scanResultSchema } } },
    async (request) =>
      addWord(app.db, {
        studyId: request.params.studyId,
        word: request.body.word,
        actor: actorOf(request.account),
      }),
  );

  app.delete(
    '/:studyId/integrity/words/:word',
    {
      schema: {
        params: study.extend({ word: storableText().min(1).max(200) }),
        response: { 200: scanResultSchema },
      },
    },
    async (request) =>
      removeWord(app.db, {
        studyId: request.params.studyId,
        word: request.params.word,
        actor: actorOf(request.account),
      }),
  );

  app.post(
    '/:studyId/integrity/outputs/:outputId/decision',
    {
      schema: {
        params: study.extend({ outputId: z.string().uuid() }),
        body: flagDecisionSchema,
        response: { 200: flaggedOutputSchema },
      },
    },
    async (request) => {
      const { studyId } = request.params;
      const decided = await decideFlag(app.db, {
        studyId,
        outputId: request.params.outputId,
        decision: request.body,
        actor: actorOf(request.account),
      });
      // which comparisons count and may be leased has changed: auto-stop and adaptive allocation
      // steer the queue again (an exclusion can leave a stopped pair short of enough verdicts)
      scheduleAllocationRefresh(app.db, { studyId });
      return decided;
    },
  );
};
