import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../../shared/judge-api.ts';
import { reportOptionsSchema, reportSchema } from '../../shared/report.ts';
import { Errors } from '../errors.ts';
import { requireStudy } from '../studies/service.ts';
import { fileStem } from './file-stem.ts';
import { formatReport } from './format.ts';
import { getStudyReport } from './study-report.ts';

const studyParams = z.object({ studyId: z.string().uuid() });
const errors = { 400: errorResponseSchema, 404: errorResponseSchema };

/** The report's download formats over HTTP: content type and file extension ('table' is for terminals). */
const REPORT_DOWNLOADS = {
  json: { type: 'application/json; charset=utf-8', ext: 'json' },
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  markdown: { type: 'text/markdown; charset=utf-8', ext: 'md' },
  latex: { type: 'application/x-tex; charset=utf-8', ext: 'tex' },
  html: { type: 'text/html; charset=utf-8', ext: 'html' },
} as const;
const reportQuerySchema = reportOptionsSchema.extend({
  format: z
    .enum(Object.keys(REPORT_DOWNLOADS) as [keyof typeof REPORT_DOWNLOADS])
    .optional()
    .describe('download as a file in this format; without it, the report JSON inline'),
  adjudicated: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      "true: each adjudicated comparison counts its final verdict instead of its judges' (docs/qualification.md)",
    ),
});

/** A study's report (admin only), inline or as a download. */
export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  // The report JSON (shared/report.ts), computed by the statistics code; options as for `tracearena report`.
  // With `format`, the same report as a download in that format (as `tracearena report --format`);
  // a format it does not know is a 400, never the JSON.
  app.get(
    '/:studyId/report',
    {
      schema: {
        params: studyParams,
        querystring: reportQuerySchema,
        response: {
          200: reportSchema.or(z.string().describe('the report file, with `format`')),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { format, adjudicated, ...options } = request.query;
      const study = await requireStudy(app.db, { id: request.params.studyId });
      let report;
      try {
        report = await getStudyReport(app.db, {
          studyId: study.id,
          options,
          adjudicated: adjudicated === 'true',
        });
      } catch (err) {
        if (err instanceof RangeError) throw new Errors.BadRequest(err.message);
        throw err;
      }
      if (!report) throw new Errors.NotFound('study');
      if (format === undefined) return report;
      const download = REPORT_DOWNLOADS[format];
      // A string with its content type is sent as it is (the JSON schema serialiser is skipped).
      return reply
        .header('content-type', download.type)
        .header(
          'content-disposition',
          `attachment; filename="${fileStem(study.name)}-report.${download.ext}"`,
        )
        .header('cache-control', 'no-store')
        .send(await formatReport(report, format));
    },
  );
};
