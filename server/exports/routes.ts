import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileStem } from '../reports/file-stem.ts';
import { requireStudy } from '../studies/service.ts';
import { sendJsonlDownload } from '../web/jsonl-download.ts';
import { exportJudgments } from './service.ts';

const studyParams = z.object({ studyId: z.string().uuid() });

/** A study's judgments file (admin only), streamed as a download. */
export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  // The judgments file (docs/judgments-files.md), streamed: the same records as `tracearena export`.
  // ?adjudicated=true: each adjudicated comparison's final verdict instead of its judges' (docs/qualification.md).
  const query = z.object({ adjudicated: z.enum(['true', 'false']).optional() });
  app.get(
    '/:studyId/export',
    { schema: { params: studyParams, querystring: query } },
    async (request, reply) => {
      const study = await requireStudy(app.db, { id: request.params.studyId });
      const adjudicated = request.query.adjudicated === 'true';
      return sendJsonlDownload(
        reply,
        `${fileStem(study.name)}-judgments.jsonl`,
        exportJudgments(app.db, { studyId: study.id, adjudicated }),
      );
    },
  );
};
