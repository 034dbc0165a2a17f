import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileStem } from '../reports/file-stem.ts';
import { requireStudy } from '../studies/service.ts';
import { sendJsonlDownload } from '../web/jsonl-download.ts';
import { auditChangeSchema } from '../../shared/audit.ts';
import { exportAudit, recentChanges } from './service.ts';

const studyParams = z.object({ studyId: z.string().uuid() });

/** A study's audit export (admin only, docs/audit.md), streamed: the lines of `tracearena audit`. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get('/:studyId/audit', { schema: { params: studyParams } }, async (request, reply) => {
    const study = await requireStudy(app.db, { id: request.params.studyId });
    return sendJsonlDownload(
      reply,
      `${fileStem(study.name)}-audit.jsonl`,
      exportAudit(app.db, { studyId: study.id }),
    );
  });

  // The latest changes made by people, newest first: the admin page's "Changes" (docs/roles.md).
  app.get(
    '/:studyId/audit/changes',
    {
      schema: {
        params: studyParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) }),
        response: { 200: z.array(auditChangeSchema) },
      },
    },
    async (request) =>
      recentChanges(app.db, { studyId: request.params.studyId, limit: request.query.limit }),
  );
};
