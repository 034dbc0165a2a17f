import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { JUDGE_BODY_LIMIT } from '../../../server/judging/routes.ts';
import { WEBSOCKET_MAX_PAYLOAD } from '../../../server/dashboard/routes.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { jsonl } from '../imports/fixtures.ts';

const MB = 1024 * 1024;

interface Sent {
  status: number | null;
  /** Milliseconds from the first byte sent to the response's status line (or the socket's end). */
  ms: number;
  bytesSent: number;
}

/**
 * Streams `size` bytes of a JSON-looking body over a real socket, as fast as the server takes them,
 * and stops as soon as the server answers. With `chunked`, no content-length is sent, so the server
 * can only refuse by counting.
 */
function sendLarge(
  port: number,
  path: string,
  token: string,
  size: number,
  chunked = false,
): Promise<Sent> {
  return new Promise((resolve) => {
    const started = performance.now();
    let bytesSent = 0;
    let done = false;
    const finish = (status: number | null) => {
      if (done) return;
      done = true;
      resolve({ status, ms: performance.now() - started, bytesSent });
      req.destroy();
    };
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(size) }),
      },
    });
    req.on('response', (res) => {
      res.resume();
      finish(res.statusCode ?? null);
    });
    req.on('error', () => finish(null));
    const chunk = Buffer.alloc(MB, '1,'.charCodeAt(0));
    chunk[0] = '['.charCodeAt(0);
    const pump = () => {
      while (!done && bytesSent < size) {
        const part = chunk.subarray(0, Math.min(MB, size - bytesSent));
        bytesSent += part.length;
        if (!req.write(part)) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

/**
 * Issue 13 point 3: a judge could stall the server with a large body (bodyLimit was 512 MiB).
 * Bodies are refused with 413 while they are read, before they are buffered; PGlite only, since
 * body reading does not touch the database.
 */
describe('body limits on a listening server', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let port: number;
  let admin: string;
  let judges: Array<{ token: string }>;
  let assignmentUrl: string;
  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    admin = await createAdminToken(tdb.db);
    const study = await makePairedStudy(tdb.db, { items: 4 });
    judges = await makeJudges(tdb.db, study.studyId, 2);
    const next = await app.inject({
      method: 'POST',
      url: '/api/judge/next',
      headers: { authorization: `Bearer ${judges[0]!.token}` },
    });
    assignmentUrl = `/api/judge/assignments/${next.json<{ assignment: { id: string } }>().assignment.id}`;
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('accepts the largest legitimate verdict (a 10,000-character note of escaped characters)', async () => {
    const payload = JSON.stringify({ winner: 'left', axes: {}, note: '\u0001'.repeat(10_000) });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(60_000);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(JUDGE_BODY_LIMIT);
    const res = await app.inject({
      method: 'POST',
      url: `${assignmentUrl}/verdict`,
      headers: {
        authorization: `Bearer ${judges[0]!.token}`,
        'content-type': 'application/json',
      },
      payload,
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a judge body one byte over the limit with 413', async () => {
    const payload = `{"winner":"left","axes":{},"note":"${'x'.repeat(JUDGE_BODY_LIMIT)}"}`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/judge/next',
      headers: {
        authorization: `Bearer ${judges[1]!.token}`,
        'content-type': 'application/json',
      },
      payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json<{ code: string }>().code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
  });

  it('refuses a 100 MB judge body with 413 within a second, with or without content-length', async () => {
    for (const chunked of [false, true]) {
      const sent = await sendLarge(port, '/api/judge/next', judges[1]!.token, 100 * MB, chunked);
      console.info(
        `100 MB judge body (${chunked ? 'chunked' : 'content-length'}): ${sent.status} after ` +
          `${sent.ms.toFixed(0)} ms, ${(sent.bytesSent / MB).toFixed(1)} MB written by the client`,
      );
      expect(sent.status).toBe(413);
      expect(sent.ms).toBeLessThan(1000);
    }
  });

  it('keeps /api/health fast while a 60 MB judge body is refused', async () => {
    const big = sendLarge(port, '/api/judge/next', judges[1]!.token, 60 * MB, true);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      latencies.push(performance.now() - t);
      expect(res.status).toBe(200);
    }
    const sent = await big;
    expect(sent.status).toBe(413);
    console.info(
      `/api/health during a 60 MB judge body: max ${Math.max(...latencies).toFixed(1)} ms ` +
        `(refused with ${sent.status} after ${sent.ms.toFixed(0)} ms)`,
    );
    // Before the limits the body was read whole and health waited behind it (1.3 s here, 7.7 s in
    // the probe); the bound leaves room for a loaded machine.
    expect(Math.max(...latencies)).toBeLessThan(500);
  });

  it('refuses a 2 MB admin JSON body with 413 (the default limit), and accepts 100,000-character guidelines', async () => {
    const sent = await sendLarge(port, '/api/studies', admin, 2 * MB);
    expect(sent.status).toBe(413);
    const res = await app.inject({
      method: 'POST',
      url: '/api/studies',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'long-guidelines', guidelines: '\u00e9\u4e2d'.repeat(50_000) },
    });
    expect(res.statusCode).toBe(201);
  });

  it('still takes an import upload far above the default limit (the import route streams it)', async () => {
    const study = await makePairedStudy(tdb.db, { items: 1 });
    const trace = 'step. '.repeat(500_000); // 3 MB
    const res = await app.inject({
      method: 'POST',
      url: `/api/studies/${study.studyId}/imports?system=big&filename=big.jsonl`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      payload: jsonl([{ item: 'q-0', trace, answer: 'a' }]),
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('closes a live-dashboard socket whose first message is over the limit, before any token check', async () => {
    const study = await makePairedStudy(tdb.db, { items: 1 });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/studies/${study.studyId}/live`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const started = performance.now();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(Buffer.alloc(8 * MB, 'a'.charCodeAt(0)));
    expect(await closed).toBe(1009); // message too big
    expect(performance.now() - started).toBeLessThan(1000);
    expect(WEBSOCKET_MAX_PAYLOAD).toBeLessThanOrEqual(64 * 1024);
  });
});
