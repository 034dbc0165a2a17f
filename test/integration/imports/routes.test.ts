import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { limitBytes } from '../../../server/imports/routes.ts';
import { getOrCreateStudy } from '../../../server/studies/repository.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { countRows, item, jsonl, PNG } from './fixtures.ts';

async function multipart(
  parts: Array<{ field: string; filename: string; content: string | Buffer }>,
) {
  const form = new FormData();
  for (const p of parts)
    form.append(
      p.field,
      new Blob([typeof p.content === 'string' ? p.content : new Uint8Array(p.content)]),
      p.filename,
    );
  const response = new Response(form);
  return {
    payload: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') as string,
  };
}

describe('limitBytes', () => {
  it('passes a body up to the limit and fails with 413 past it', async () => {
    const body = (n: number) => Readable.from([Buffer.alloc(n - 1), Buffer.alloc(1)]);
    const sink = () => new Writable({ write: (_c, _e, done) => done() });
    await expect(pipeline(body(10), limitBytes(10), sink())).resolves.toBeUndefined();
    await expect(pipeline(body(11), limitBytes(10), sink())).rejects.toMatchObject({
      statusCode: 413,
      code: 'TA_IMPORT_TOO_LARGE',
    });
  });
});

describe.each(backends())('POST /api/studies/:id/imports on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let auth: { authorization: string };
  let studyId: string;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false });
    auth = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
    studyId = (await getOrCreateStudy(tdb.db, { name: 'uploads' })).id;
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('imports a multipart upload of a data file with its images', async () => {
    const body = await multipart([
      {
        field: 'file',
        filename: 'items.jsonl',
        content: jsonl([item(1, { images: ['img/1.png'] }), item(2)]),
      },
      { field: 'images', filename: 'img/1.png', content: PNG },
    ]);
    const res = await app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/imports`,
      headers: { ...auth, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      file: 'items.jsonl',
      kind: 'items',
      itemsCreated: 2,
      outputsCreated: 4,
      imagesCreated: 1,
    });
  });

  it('imports a raw output file for a system named in the query', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/imports?system=rl&filename=rl.jsonl`,
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: jsonl([{ item: 'q-1', trace: 'rl trace', answer: 'a' }]),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      kind: 'outputs',
      format: 'jsonl',
      outputsCreated: 1,
      systems: ['rl'],
    });
  });

  it('answers 422 TA_IMPORT_BAD_RECORD naming file, line and field, and writes nothing', async () => {
    const before = await countRows(tdb.db);
    const res = await app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/imports?filename=more.jsonl`,
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: jsonl([item(3), item(4, { images: ['img/missing.png'] })]),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      code: 'TA_IMPORT_BAD_RECORD',
      message: "more.jsonl:2: field 'images[0]': file not found: img/missing.png",
    });
    const json = await app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/imports`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '[\n{"id": "q-9", "question": "fine"},\n{"id": "q-10"}\n]',
    });
    expect(json.statusCode).toBe(422);
    expect(json.json().message).toBe("upload:3: field 'question': expected a non-empty string");
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it('answers 4xx with a one-line reason for bad file names and malformed multipart, never 500', async () => {
    const before = await countRows(tdb.db);
    const url = `/api/studies/${studyId}/imports`;
    const raw = (query: string) =>
      app.inject({
        method: 'POST',
        url: `${url}?${query}`,
        headers: { ...auth, 'content-type': 'application/x-ndjson' },
        payload: jsonl([item(50)]),
      });
    const multi = (contentType: string, payload: string | Buffer) =>
      app.inject({
        method: 'POST',
        url,
        headers: { ...auth, 'content-type': contentType },
        payload,
      });
    const dataNamedDots = await multipart([{ field: 'file', filename: '..', content: 'x' }]);
    const imageFirst = await multipart([
      { field: 'images', filename: 'items.jsonl', content: PNG },
      { field: 'file', filename: 'items.jsonl', content: jsonl([item(51)]) },
    ]);
    const longImage = await multipart([
      { field: 'file', filename: 'items.jsonl', content: jsonl([item(53)]) },
      { field: 'images', filename: `img/${'x'.repeat(300)}.png`, content: PNG },
    ]);
    const longData = await multipart([
      { field: 'file', filename: `${'é'.repeat(200)}.jsonl`, content: jsonl([item(54)]) },
    ]);
    const throughFile = await multipart([
      { field: 'file', filename: 'items.jsonl', content: jsonl([item(55)]) },
      { field: 'images', filename: 'img', content: PNG },
      { field: 'images', filename: 'img/a.png', content: PNG },
    ]);
    const responses = {
      // each used to be a 500: EISDIR, a NUL in a path, busboy's own errors
      'filename=.': await raw('filename=.&format=jsonl'),
      'filename=..': await raw('filename=..&format=jsonl'),
      'filename=%00.jsonl': await raw('filename=%00.jsonl'),
      'filename=a%0Ab.jsonl': await raw('filename=a%0Ab.jsonl'),
      'system=%00': await raw('filename=o.jsonl&system=%00'),
      'multipart without boundary': await multi('multipart/form-data', '--x\r\n\r\n'),
      'boundary not in body': await multi(
        'multipart/form-data; boundary=nothere',
        'just some bytes\r\n',
      ),
      'data part named ..': await multi(dataNamedDots.contentType, dataNamedDots.payload),
      'data file named like an image': await multi(imageFirst.contentType, imageFirst.payload),
      // ENAMETOOLONG and ENOTDIR from the file system were 500s (found by the HTTP fuzz)
      'image name over 255 bytes': await multi(longImage.contentType, longImage.payload),
      'data file name over 255 bytes': await multi(longData.contentType, longData.payload),
      'image path through an image file': await multi(throughFile.contentType, throughFile.payload),
      'declared larger than the upload limit': await app.inject({
        method: 'POST',
        url: `${url}?filename=big.jsonl`,
        headers: {
          ...auth,
          'content-type': 'application/x-ndjson',
          'content-length': String(5 * 2 ** 30),
        },
        payload: jsonl([item(52)]),
      }),
    };
    const statuses = Object.fromEntries(
      Object.entries(responses).map(([name, res]) => [
        name,
        res.statusCode >= 400 && res.statusCode < 500 ? '4xx' : `${res.statusCode} ${res.body}`,
      ]),
    );
    expect(statuses).toEqual(Object.fromEntries(Object.keys(responses).map((n) => [n, '4xx'])));
    for (const [name, res] of Object.entries(responses)) {
      const body = res.json<{ code: string; message: string }>();
      expect(body.message, name).not.toMatch(/\n/);
      expect(body.message.length, name).toBeGreaterThan(0);
    }
    expect(responses['filename=..'].json().message).toMatch(/filename/);
    expect(responses['declared larger than the upload limit'].statusCode).toBe(413);
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it('answers 422 with FILE:LINE: field for metadata nested 10,000 levels deep', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const res = await app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/imports?filename=deep.jsonl`,
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: `{"id":"deep","question":"Q?","metadata":${deep}}\n`,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().message).toBe("deep.jsonl:1: field 'metadata': nested deeper than 32 levels");
  });

  it('refuses requests without the admin token and unknown studies', async () => {
    const anon = await app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/imports`,
      payload: '[]',
    });
    expect(anon.statusCode).toBe(401);
    const missing = await app.inject({
      method: 'POST',
      url: '/api/studies/00000000-0000-4000-8000-000000000000/imports?format=jsonl',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: jsonl([item(1)]),
    });
    expect(missing.statusCode).toBe(404);
  });
});
