import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy, makeStudy } from '../../helpers/factories.ts';

/** Issue 12 point 5: the study list shows each study's progress, judged / planned per judge kind. */
describe.each(backends())('study list progress on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('counts done and planned human slots, and none for a study without pairs', async () => {
    const empty = await makeStudy(tdb.db, {});
    const study = await makePairedStudy(tdb.db, { items: 5, k: 2 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const headers = { authorization: `Bearer ${judge!.token}` };
    for (let i = 0; i < 3; i++) {
      const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
      const id = next.json<{ assignment: { id: string } }>().assignment.id;
      const done = await app.inject({
        method: 'POST',
        url: `/api/judge/assignments/${id}/verdict`,
        headers,
        payload: { winner: 'left', axes: {} },
      });
      expect(done.statusCode).toBe(200);
    }
    const res = await app.inject({ method: 'GET', url: '/api/studies', headers: admin });
    expect(res.statusCode).toBe(200);
    const list =
      res.json<
        Array<{ id: string; progress: Record<string, { judged: number; planned: number }> }>
      >();
    expect(list.find((s) => s.id === study.studyId)!.progress).toEqual({
      human: { judged: 3, planned: 10 },
      llm: { judged: 0, planned: 0 },
    });
    expect(list.find((s) => s.id === empty.studyId)!.progress).toEqual({
      human: { judged: 0, planned: 0 },
      llm: { judged: 0, planned: 0 },
    });
  });
});
