import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

/** Issue 13 point 4: report options at the edge of their range are refused with 400, never a 500. */
describe.each(backends())('report options over HTTP on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  let url: string;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
    const study = await makePairedStudy(tdb.db, { items: 6 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const headers = { authorization: `Bearer ${judge!.token}` };
    for (let i = 0; ; i++) {
      const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
      if (next.statusCode === 204) break;
      const id = next.json<{ assignment: { id: string } }>().assignment.id;
      await app.inject({
        method: 'POST',
        url: `/api/judge/assignments/${id}/verdict`,
        headers,
        payload: { winner: (['left', 'right', 'tie'] as const)[i % 3], axes: {} },
      });
    }
    url = `/api/studies/${study.studyId}/report`;
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it.each(['wilson', 'agresti-coull', 'exact', 'normal', 'auto', 'cluster-wilson', 'bootstrap'])(
    'refuses level=0.9999999999999999 with ci=%s with a one-line 400 naming level',
    async (ci) => {
      const res = await app.inject({
        method: 'GET',
        url: `${url}?level=0.9999999999999999&ci=${ci}&rounds=50`,
        headers: admin,
      });
      expect(res.statusCode).toBe(400);
      const body = res.json<{ message: string }>();
      expect(body.message).toMatch(/querystring\.level: .*0\.999999/);
      expect(body.message).not.toContain('\n');
    },
  );

  it.each(['1e-300', '0.1', '0.4999', '0.9999995', 'NaN', 'Infinity', '1', '0'])(
    'refuses level=%s with 400',
    async (level) => {
      const res = await app.inject({ method: 'GET', url: `${url}?level=${level}`, headers: admin });
      expect(res.statusCode).toBe(400);
    },
  );

  it.each(['0.5', '0.8', '0.95', '0.999999'])('accepts level=%s', async (level) => {
    const res = await app.inject({
      method: 'GET',
      url: `${url}?level=${level}&ci=wilson`,
      headers: admin,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ ci: { level: number } }>().ci.level).toBe(Number(level));
  });
});
