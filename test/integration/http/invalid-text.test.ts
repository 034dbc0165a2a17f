import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

const NUL = '\u0000';
const LONE = '\ud800';

/** Issue 13 point 2: text that cannot be stored is refused at the edge with 400 naming the field. */
describe.each(backends())('NUL and lone surrogates over HTTP on %s', (backend) => {
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

  function expectRefused(res: { statusCode: number; json: () => unknown }, field: string) {
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; message: string; issues?: Array<{ path: string }> };
    expect(body.code).toBe('TA_VALIDATION');
    expect(body.issues?.map((i) => i.path)).toContain(field);
    expect(body.message).toContain(field.replace(/^\//, '').replaceAll('/', '.'));
  }

  it('refuses a verdict note with NUL with 400, and the verdict can then be sent cleanly', async () => {
    const study = await makePairedStudy(tdb.db, { items: 2 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const headers = { authorization: `Bearer ${judge!.token}` };
    const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
    const id = next.json<{ assignment: { id: string } }>().assignment.id;
    const url = `/api/judge/assignments/${id}/verdict`;
    for (const note of [`a${NUL}b`, `a${LONE}b`]) {
      const bad = await app.inject({
        method: 'POST',
        url,
        headers,
        payload: { winner: 'left', axes: {}, note },
      });
      expectRefused(bad, '/note');
    }
    const ok = await app.inject({
      method: 'POST',
      url,
      headers,
      payload: { winner: 'left', axes: {}, note: 'a b \u{1F600}' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, duplicate: false });
    const rows = await queryRows<{ note: string }>(
      tdb.db,
      sql`select note from verdicts where assignment_id = ${id}`,
    );
    expect(rows).toEqual([{ note: 'a b \u{1F600}' }]);
  });

  it('refuses a skip note with NUL with 400, and the skip can then be sent cleanly', async () => {
    const study = await makePairedStudy(tdb.db, { items: 2 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const headers = { authorization: `Bearer ${judge!.token}` };
    const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
    const id = next.json<{ assignment: { id: string } }>().assignment.id;
    const url = `/api/judge/assignments/${id}/skip`;
    const bad = await app.inject({ method: 'POST', url, headers, payload: { note: NUL } });
    expectRefused(bad, '/note');
    const ok = await app.inject({ method: 'POST', url, headers, payload: { note: 'unclear' } });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses NUL in a study name and guidelines, and in an invite name', async () => {
    for (const [payload, field] of [
      [{ name: `s${NUL}` }, '/name'],
      [{ name: `s${LONE}` }, '/name'],
      [{ name: 'fine-name', guidelines: `be${NUL}fair` }, '/guidelines'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/studies',
        headers: admin,
        payload,
      });
      expectRefused(res, field);
    }
    const study = await makePairedStudy(tdb.db, { items: 1 });
    const res = await app.inject({
      method: 'POST',
      url: `/api/studies/${study.studyId}/invites`,
      headers: admin,
      payload: { name: `dr${NUL}x` },
    });
    expectRefused(res, '/name');
  });

  it('refuses NUL in the item search, gold system names, pairing base and seed, and report base', async () => {
    const study = await makePairedStudy(tdb.db, { items: 1 });
    const base = `/api/studies/${study.studyId}`;
    expectRefused(
      await app.inject({ method: 'GET', url: `${base}/items?q=%00`, headers: admin }),
      '/q',
    );
    expectRefused(
      await app.inject({ method: 'GET', url: `${base}/report?base=a%00`, headers: admin }),
      '/base',
    );
    const [item] = await queryRows<{ id: string }>(
      tdb.db,
      sql`select id from items where study_id = ${study.studyId}`,
    );
    expectRefused(
      await app.inject({
        method: 'PUT',
        url: `${base}/items/${item!.id}/gold`,
        headers: admin,
        payload: { a: `sft${NUL}`, b: 'base', winner: 'a' },
      }),
      '/a',
    );
    expectRefused(
      await app.inject({
        method: 'POST',
        url: `${base}/pairings`,
        headers: admin,
        payload: { seed: `x${NUL}` },
      }),
      '/seed',
    );
    for (const [payload, field] of [
      [{ models: [`m${NUL}`] }, '/models/0'],
      [{ models: ['m'], template: `{{question}}${NUL}` }, '/template'],
      [{ models: ['m'], prices: { [`m${NUL}`]: { input: 1, output: 1 } } }, '/prices'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: `${base}/llm-runs`,
        headers: admin,
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain(field);
    }
    // A search for ordinary text still works.
    const ok = await app.inject({ method: 'GET', url: `${base}/items?q=q-`, headers: admin });
    expect(ok.statusCode).toBe(200);
  });
});
