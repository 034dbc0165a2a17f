import { createWriteStream } from 'node:fs';
import { actorOf } from '../auth/service.ts';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  importFormatSchema,
  importKindSchema,
  importResultSchema,
  type ImportFormat,
} from '../../shared/import-records.ts';
import { studyNameSchema } from '../../shared/admin-api.ts';
import {
  goldSchema,
  itemListQuerySchema,
  itemListSchema,
  itemSummarySchema,
} from '../../shared/admin-views.ts';
import { errorResponseSchema } from '../../shared/judge-api.ts';
import { Errors } from '../errors.ts';
import { getStudyById } from '../studies/service.ts';
import { FileRecordError, oneLine } from '../files/record-error.ts';
import { clearItemGold, importFile, listItems, setItemGold } from './service.ts';

/** The largest data or image file an upload may hold, streamed to disk (never buffered). */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;

const FILE_NAME_RULE = 'expected a file name (not . or .., without control characters)';

/** A client-given file name usable on disk: `.`, `..` and control characters (NUL) are not. */
function isFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[\u0000-\u001f\u007f]/.test(name);
}

const params = z.object({ studyId: z.string().uuid() });
const querystring = z.object({
  kind: importKindSchema.optional(),
  system: z.string().min(1).optional(),
  format: importFormatSchema.optional(),
  /** The data file's name for a raw body (its extension gives the format; it names the file in errors). */
  filename: z
    .string()
    .min(1)
    .max(255)
    .refine((name) => isFileName(basename(name)), { error: FILE_NAME_RULE })
    .optional(),
});
const errorSchema = z.object({ code: z.string(), message: z.string() });

const formatByContentType: Record<string, ImportFormat> = {
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/json': 'json',
  'text/csv': 'csv',
  'application/vnd.apache.parquet': 'parquet',
};

/** A client-given relative path, kept inside the upload folder. */
function safeRelativePath(name: string): string | null {
  if (/[\u0000-\u001f\u007f]/.test(name)) return null;
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

function tooLarge() {
  return new Errors.ImportTooLarge(
    `an upload file may hold at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB`,
  );
}

/** Passes at most `max` bytes on, then fails with 413: a raw body has no other limit. */
export function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(tooLarge());
      else done(null, chunk);
    },
  });
}

/** Streams one uploaded file to `dir/rel`; a second file with the same name is refused. */
async function save(stream: Readable, dir: string, rel: string): Promise<void> {
  try {
    await pipeline(stream, createWriteStream(join(dir, rel), { flags: 'wx' }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Errors.BadRequest(`file '${oneLine(rel)}' was uploaded twice`);
    throw unstorableName(err, rel);
  }
}

/**
 * A client-chosen path the file system refuses (a name over 255 bytes, a path through a file
 * uploaded earlier) is the client's error, 400; any other file-system error stays ours.
 */
function unstorableName(err: unknown, rel: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENAMETOOLONG')
    return new Errors.BadRequest(
      `file name '${oneLine(rel.slice(0, 80))}…' is too long (at most 255 bytes per path part)`,
    );
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST')
    return new Errors.BadRequest(
      `file name '${oneLine(rel)}' clashes with another uploaded file or folder`,
    );
  return err;
}

/**
 * Writes the parts of a multipart upload into `dir`: the data file (field `file`) under its base
 * name, images under their relative paths. Returns the data file's name. A body busboy cannot
 * parse (no boundary, a boundary that never comes, a truncated part) is the client's error: 400.
 */
async function receiveMultipart(parts: AsyncIterable<Multipart>, dir: string): Promise<string> {
  let fileName: string | undefined;
  try {
    for await (const part of parts) {
      if (part.type !== 'file') continue;
      if (part.fieldname === 'file' && fileName === undefined) {
        const name = basename(part.filename || 'upload');
        if (!isFileName(name))
          throw new Errors.BadRequest(`the data file's name: ${FILE_NAME_RULE}`);
        fileName = name;
        await save(part.file, dir, name);
        continue;
      }
      const rel = safeRelativePath(part.filename);
      if (!rel)
        throw new Errors.BadRequest(
          `image file name '${oneLine(part.filename)}' must be a relative path`,
        );
      await mkdir(dirname(join(dir, rel)), { recursive: true }).catch((err: unknown) => {
        throw unstorableName(err, rel);
      });
      await save(part.file, dir, rel);
    }
  } catch (err) {
    const e = err as { statusCode?: number; syscall?: string; message?: string };
    // coded errors keep their status; file-system errors are ours (500); the rest is busboy's
    if (e.statusCode !== undefined || e.syscall !== undefined) throw err;
    throw new Errors.BadRequest(`malformed multipart body: ${oneLine(e.message ?? String(err))}`);
  }
  if (fileName === undefined)
    throw new Errors.BadRequest("the data file goes in the multipart field 'file'");
  return fileName;
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
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 100_000, fields: 100, parts: 100_100 },
  });
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  /** Receives the upload (multipart, or the data file as the raw body) and imports it into `study`. */
  const receive = async (
    request: FastifyRequest,
    query: z.infer<typeof querystring>,
    study: { id: string } | { name: string },
  ) => {
    const { kind, system } = query;
    let format = query.format;
    const dir = await mkdtemp(join(tmpdir(), 'tracearena-import-'));
    try {
      let fileName: string | undefined;
      if (request.isMultipart()) {
        fileName = await receiveMultipart(request.parts(), dir);
      } else {
        fileName = basename(query.filename ?? 'upload');
        const contentType =
          (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        format ??= formatByContentType[contentType];
        const body = request.body as Readable | undefined;
        if (!body || typeof body.pipe !== 'function')
          throw new Errors.BadRequest('expected the data file as the request body');
        const declared = Number(request.headers['content-length']);
        if (declared > MAX_UPLOAD_BYTES) throw tooLarge();
        await pipeline(body, limitBytes(MAX_UPLOAD_BYTES), createWriteStream(join(dir, fileName)));
      }
      return await importFile(app.db, {
        study,
        path: join(dir, fileName),
        displayName: fileName,
        format,
        kind,
        system,
        actor: actorOf(request.account),
      });
    } catch (err) {
      if (err instanceof FileRecordError) throw new Errors.ImportBadRecord(err.message);
      throw err;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const responses = {
    200: importResultSchema,
    404: errorSchema,
    413: errorSchema,
    422: errorSchema,
  };

  app.post(
    '/:studyId/imports',
    { onRequest: app.requireAdmin, schema: { params, querystring, response: responses } },
    async (request) => {
      const study = await getStudyById(app.db, { id: request.params.studyId });
      if (!study) throw new Errors.NotFound('study');
      return receive(request, request.query, { id: study.id });
    },
  );

  // Into the study named `study`, created in the import's own transaction if new (so a refused
  // file leaves no empty study behind): a change outside any study, for a server-admin.
  app.post(
    '/imports',
    {
      onRequest: app.requireAdmin,
      schema: {
        querystring: querystring.extend({ study: studyNameSchema }),
        response: responses,
      },
    },
    async (request) => receive(request, request.query, { name: request.query.study }),
  );
};

const itemParams = params.extend({ itemId: z.string().uuid() });
const itemErrors = { 400: errorResponseSchema, 404: errorResponseSchema };

/** A study's items and their gold verdicts (admin only), apart from the upload's parsers. */
export const itemRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get(
    '/:studyId/items',
    {
      schema: {
        params,
        querystring: itemListQuerySchema,
        response: { 200: itemListSchema, ...itemErrors },
      },
    },
    async (request) => {
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
        response: { 200: itemSummarySchema, ...itemErrors },
      },
    },
    async (request) => setItemGold(app.db, { ...request.params, gold: request.body }),
  );

  app.delete(
    '/:studyId/items/:itemId/gold',
    { schema: { params: itemParams, response: { 200: itemSummarySchema, ...itemErrors } } },
    async (request) => clearItemGold(app.db, request.params),
  );
};
