import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  importFormatSchema,
  importKindSchema,
  importResultSchema,
  type ImportFormat,
} from '../../shared/import-records.ts';
import { Errors } from '../errors.ts';
import { getStudyById } from '../studies/repository.ts';
import { ImportError } from './import-error.ts';
import { importFile } from './service.ts';

const params = z.object({ studyId: z.string().uuid() });
const querystring = z.object({
  kind: importKindSchema.optional(),
  system: z.string().min(1).optional(),
  format: importFormatSchema.optional(),
  /** The data file's name for a raw body (its extension gives the format; it names the file in errors). */
  filename: z.string().min(1).max(255).optional(),
});
const errorSchema = z.object({ code: z.string(), message: z.string() });

const formatByContentType: Record<string, ImportFormat> = {
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/json': 'json',
  'text/csv': 'csv',
};

/** A client-given relative path, kept inside the upload folder. */
function safeRelativePath(name: string): string | null {
  const clean = normalize(name.replaceAll('\\', '/'));
  if (
    !clean ||
    isAbsolute(clean) ||
    clean === '.' ||
    clean.startsWith(`..${sep}`) ||
    clean === '..'
  )
    return null;
  return clean;
}

/**
 * POST /:studyId/imports: a multipart upload (the data file in field `file`, images as further file
 * parts whose file names are their paths relative to the data file, e.g. `img/q-17.png`), or the
 * data file as the raw body. The upload goes to a temporary folder and through the same import as
 * the CLI: all or nothing, 422 TA_IMPORT_BAD_RECORD naming `FILE:LINE: field …`.
 */
export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  // Encapsulated: these parsers apply to this plugin's routes only.
  app.removeAllContentTypeParsers();
  await app.register(multipart, {
    // image parts are named by their path relative to the data file (img/q-17.png)
    preservePath: true,
    limits: { fileSize: 4 * 1024 * 1024 * 1024, files: 100_000, fields: 100, parts: 100_100 },
  });
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post(
    '/:studyId/imports',
    {
      onRequest: app.requireAdmin,
      schema: {
        params,
        querystring,
        response: { 200: importResultSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const study = await getStudyById(app.db, { id: request.params.studyId });
      if (!study) throw new Errors.NotFound('study');
      const { kind, system } = request.query;
      let format = request.query.format;
      const dir = await mkdtemp(join(tmpdir(), 'tracearena-import-'));
      try {
        let fileName: string | undefined;
        if (request.isMultipart()) {
          for await (const part of request.parts()) {
            if (part.type !== 'file') continue;
            if (part.fieldname === 'file' && fileName === undefined) {
              fileName = basename(part.filename || 'upload');
              await pipeline(part.file, createWriteStream(join(dir, fileName)));
              continue;
            }
            const rel = safeRelativePath(part.filename);
            if (!rel)
              throw new Errors.BadRequest(
                `image file name '${part.filename}' must be a relative path`,
              );
            await mkdir(dirname(join(dir, rel)), { recursive: true });
            await pipeline(part.file, createWriteStream(join(dir, rel), { flags: 'wx' })).catch(
              (err: unknown) => {
                if ((err as NodeJS.ErrnoException).code === 'EEXIST')
                  throw new Errors.BadRequest(`file '${rel}' was uploaded twice`);
                throw err;
              },
            );
          }
          if (fileName === undefined)
            throw new Errors.BadRequest("the data file goes in the multipart field 'file'");
        } else {
          fileName = basename(request.query.filename ?? 'upload');
          const contentType =
            (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
          format ??= formatByContentType[contentType];
          const body = request.body as Readable | undefined;
          if (!body || typeof body.pipe !== 'function')
            throw new Errors.BadRequest('expected the data file as the request body');
          await pipeline(body, createWriteStream(join(dir, fileName)));
        }
        return await importFile(app.db, {
          study: { id: study.id },
          path: join(dir, fileName),
          displayName: fileName,
          format,
          kind,
          system,
        });
      } catch (err) {
        if (err instanceof ImportError) throw new Errors.ImportBadRecord(err.message);
        throw err;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
};
