import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../../shared/judge-api.ts';
import {
  goldSchema,
  itemListQuerySchema,
  itemListSchema,
  itemSummarySchema,
  judgeQualitySchema,
} from '../../shared/admin-views.ts';
import { reportOptionsSchema, reportSchema } from '../../shared/report.ts';
import { Errors } from '../errors.ts';
import { exportJudgments } from '../exports/service.ts';
import { formatReport } from '../reports/format.ts';
import { getStudyReport } from '../reports/study-report.ts';
import { getStudyById, listSystems } from '../studies/repository.ts';
import { getJudgeQuality, listItems, setItemGold } from './repository.ts';

const studyParams = z.object({ studyId: z.string().uuid() });
const itemParams = studyParams.extend({ itemId: z.string().uuid() });
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
});

/** A file name made of the study's name: letters, digits, '.', '_' and '-' only. */
const fileStem = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Admin views the study pages need: gold items, judge quality, the judgments export. */
export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  const requireStudy = async (id: string) => {
    const study = await getStudyById(app.db, { id });
    if (!study) throw new Errors.NotFound('study');
    return study;
  };

  app.get(
    '/:studyId/items',
    {
      schema: {
        params: studyParams,
        querystring: itemListQuerySchema,
        response: { 200: itemListSchema, ...errors },
      },
    },
    async (request) => {
      await requireStudy(request.params.studyId);
      const { q, gold, limit, offset } = request.query;
      return listItems(app.db, {
        studyId: request.params.studyId,
        q,
        gold: gold === undefined ? undefined : gold === 'true',
        limit,
        offset,
      });
    },
  );

  app.put(
    '/:studyId/items/:itemId/gold',
    {
      schema: {
        params: itemParams,
        body: goldSchema,
        response: { 200: itemSummarySchema, ...errors },
      },
    },
    async (request) => {
      const { studyId, itemId } = request.params;
      const gold = request.body;
      await requireStudy(studyId);
      const names = (await listSystems(app.db, { studyId })).map((s) => s.name);
      for (const name of [gold.a, gold.b]) {
        if (!names.includes(name))
          throw new Errors.BadRequest(
            `no system named '${name}' in this study (systems: ${names.join(', ')})`,
          );
      }
      if (gold.a === gold.b)
        throw new Errors.BadRequest('a gold verdict compares two different systems');
      const item = await setItemGold(app.db, { studyId, itemId, gold });
      if (!item) throw new Errors.NotFound('item');
      return item;
    },
  );

  app.delete(
    '/:studyId/items/:itemId/gold',
    { schema: { params: itemParams, response: { 200: itemSummarySchema, ...errors } } },
    async (request) => {
      const item = await setItemGold(app.db, { ...request.params, gold: null });
      if (!item) throw new Errors.NotFound('item');
      return item;
    },
  );

  app.get(
    '/:studyId/judge-quality',
    { schema: { params: studyParams, response: { 200: z.array(judgeQualitySchema), ...errors } } },
    async (request) => {
      await requireStudy(request.params.studyId);
      return getJudgeQuality(app.db, { studyId: request.params.studyId });
    },
  );

  // The report JSON (DESIGN.md), computed by the statistics code; options as for `tracearena report`.
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
      const { format, ...options } = request.query;
      const study = await requireStudy(request.params.studyId);
      let report;
      try {
        report = await getStudyReport(app.db, { studyId: study.id, options });
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

  // The judgments file (DESIGN.md), streamed: the same records as `tracearena export`.
  app.get('/:studyId/export', { schema: { params: studyParams } }, async (request, reply) => {
    const study = await requireStudy(request.params.studyId);
    const fileName = `${fileStem(study.name)}-judgments.jsonl`;
    async function* lines() {
      for await (const record of exportJudgments(app.db, { studyId: study.id }))
        yield `${JSON.stringify(record)}\n`;
    }
    return reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  });
};
