import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken, createInvite } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { loggerOptions } from '../../../server/logging.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeStudy } from '../../helpers/factories.ts';
import { startCli, stop } from '../../helpers/processes.ts';

type Line = Record<string, unknown> & { level: number; msg?: string };

describe('request logs', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let judgeToken: string;
  let adminToken: string;
  const lines: Line[] = [];
  const raw: string[] = [];

  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
    const config = loadConfig({ LOG_LEVEL: 'info' });
    app = await buildApp({
      database: tdb,
      config,
      logger: loggerOptions(config, {
        write: (line: string) => {
          raw.push(line);
          lines.push(JSON.parse(line) as Line);
        },
      }),
    });
    app.get('/api/test-boom', async () => {
      throw new Error('kaboom');
    });
    const study = await makeStudy(tdb.db);
    judgeToken = (await createInvite(tdb.db, { studyId: study.studyId, name: 'dr-log' }))!.token;
    adminToken = await createAdminToken(tdb.db);
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('logs every request with its status, and never a token: header, query, path or fragment', async () => {
    const requests = [
      { url: '/api/judge/me', headers: { authorization: `Bearer ${judgeToken}` } },
      { url: `/api/judge/me?token=${judgeToken}&x=1`, headers: {} },
      { url: `/api/judge/${judgeToken}`, headers: {} },
      { url: `/judge#token=${judgeToken}`, headers: {} },
      { url: `/api/studies?access_token=${adminToken}`, headers: { cookie: `t=${adminToken}` } },
    ];
    for (const r of requests) await app.inject({ method: 'GET', ...r });
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed.length).toBeGreaterThanOrEqual(requests.length);
    expect(completed[0]).toMatchObject({ res: { statusCode: 200 } });
    const urls = lines.flatMap((l) =>
      (l.req as { url?: string })?.url ? [(l.req as { url: string }).url] : [],
    );
    expect(urls).toContain('/api/judge/me');
    expect(urls).toContain('/api/judge/me?token=[redacted]&x=1');
    expect(urls).toContain('/api/judge/[redacted]');
    const all = raw.join('');
    expect(all).not.toContain(judgeToken);
    expect(all).not.toContain(adminToken);
    expect(all).not.toContain(judgeToken.slice(9));
  });

  it('logs a 500 once, at error level, with its code and the error', async () => {
    const before = lines.length;
    const res = await app.inject({ method: 'GET', url: '/api/test-boom' });
    expect(res.statusCode).toBe(500);
    const errors = lines.slice(before).filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'TA_INTERNAL', err: { message: 'kaboom' } });
  });
});

describe('tracearena serve', () => {
  it('writes structured request logs to stderr by default, without the token', async () => {
    const data = mkdtempSync(join(tmpdir(), 'ta-logs-'));
    const server = await startCli(
      ['serve', '--port', '0', '--data', data],
      /listening on (http:\/\/\S+)[^]*admin: \S+#token=(\S+)\n/,
    );
    try {
      const token = server.match[2]!;
      const res = await fetch(`${server.match[1]}/api/studies?token=${token}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const logged = server
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Line);
      expect(logged).toContainEqual(
        expect.objectContaining({ msg: 'request completed', res: { statusCode: 200 } }),
      );
      expect(server.stderr()).not.toContain(token);
    } finally {
      await stop(server.child);
      rmSync(data, { recursive: true, force: true });
    }
  });
});
