import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy, systemLabel } from '../../helpers/factories.ts';

describe.each(backends())('admin views on %s', (backend) => {
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

  /** Each judge judges every comparison it gets; `pick` says which system it prefers. */
  async function judgeAll(
    token: string,
    pick: (leftIsSft: boolean) => 'left' | 'right' | 'tie',
    durationMs: number,
  ) {
    const headers = { authorization: `Bearer ${token}` };
    for (;;) {
      const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
      if (next.statusCode === 204) return;
      const body = next.json<{ assignment: { id: string; left: { trace: string } } }>();
      const leftIsSft = body.assignment.left.trace.endsWith(
        `by ${systemLabel(['sft', 'base'], 'sft')}`,
      );
      const r = await app.inject({
        method: 'POST',
        url: `/api/judge/assignments/${body.assignment.id}/verdict`,
        headers,
        payload: { winner: pick(leftIsSft), axes: {}, elapsedMs: durationMs },
      });
      expect(r.statusCode).toBe(200);
    }
  }

  it('marks gold items, lists them first, and refuses unknown systems and foreign items', async () => {
    const study = await makePairedStudy(tdb.db, { items: 5 });
    const list = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/items?limit=10`,
      headers: admin,
    });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: Array<{ id: string; externalId: string }>; total: number }>();
    expect(items.total).toBe(5);
    const target = items.items.find((i) => i.externalId === 'q-3')!;
    const put = await app.inject({
      method: 'PUT',
      url: `/api/studies/${study.studyId}/items/${target.id}/gold`,
      headers: admin,
      payload: { a: 'sft', b: 'base', winner: 'a' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      externalId: 'q-3',
      gold: { a: 'sft', b: 'base', winner: 'a' },
    });
    const gold = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/items?gold=true`,
      headers: admin,
    });
    expect(gold.json().items.map((i: { externalId: string }) => i.externalId)).toEqual(['q-3']);
    const search = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/items?q=Question%202`,
      headers: admin,
    });
    expect(search.json().total).toBe(1);

    const unknown = await app.inject({
      method: 'PUT',
      url: `/api/studies/${study.studyId}/items/${target.id}/gold`,
      headers: admin,
      payload: { a: 'sft', b: 'gpt', winner: 'a' },
    });
    expect(unknown.statusCode).toBe(400);
    const other = await makePairedStudy(tdb.db, { items: 1 });
    const foreign = await app.inject({
      method: 'PUT',
      url: `/api/studies/${other.studyId}/items/${target.id}/gold`,
      headers: admin,
      payload: { a: 'sft', b: 'base', winner: 'a' },
    });
    expect(foreign.statusCode).toBe(404);
    const cleared = await app.inject({
      method: 'DELETE',
      url: `/api/studies/${study.studyId}/items/${target.id}/gold`,
      headers: admin,
    });
    expect(cleared.json().gold).toBeNull();
  });

  it('reports gold accuracy (gold pair in either order), median time and agreement per judge', async () => {
    const study = await makePairedStudy(tdb.db, { items: 4, k: 3 });
    const ids = await queryRows<{ id: string; external_id: string }>(
      tdb.db,
      sql`select id, external_id from items where study_id = ${study.studyId} order by external_id`,
    );
    // q-0: sft should win; q-1 stated in the other order: base loses, i.e. sft should win too.
    await app.inject({
      method: 'PUT',
      url: `/api/studies/${study.studyId}/items/${ids[0]!.id}/gold`,
      headers: admin,
      payload: { a: 'sft', b: 'base', winner: 'a' },
    });
    await app.inject({
      method: 'PUT',
      url: `/api/studies/${study.studyId}/items/${ids[1]!.id}/gold`,
      headers: admin,
      payload: { a: 'base', b: 'sft', winner: 'b' },
    });
    const [good, bad, third] = await makeJudges(tdb.db, study.studyId, 3);
    await judgeAll(good!.token, (leftIsSft) => (leftIsSft ? 'left' : 'right'), 1000);
    await judgeAll(bad!.token, (leftIsSft) => (leftIsSft ? 'right' : 'left'), 3000);
    await judgeAll(third!.token, (leftIsSft) => (leftIsSft ? 'left' : 'right'), 2000);
    await app.inject({
      method: 'POST',
      url: '/api/judge/next',
      headers: { authorization: `Bearer ${good!.token}` },
    });

    const res = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/judge-quality`,
      headers: admin,
    });
    expect(res.statusCode).toBe(200);
    const rows = res.json<
      Array<{
        name: string;
        verdicts: number;
        gold: { judged: number; correct: number; accuracy: { value: number | null } };
        medianMs: number;
        agreement: { pairs: number; agreed: number; rate: { value: number } };
      }>
    >();
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by[good!.name]).toMatchObject({
      verdicts: 4,
      gold: { judged: 2, correct: 2, accuracy: { value: 1 } },
      medianMs: 1000,
    });
    expect(by[bad!.name]).toMatchObject({
      verdicts: 4,
      gold: { judged: 2, correct: 0, accuracy: { value: 0 } },
      medianMs: 3000,
    });
    // good agrees with third on all 4 comparisons and with bad on none: 4 of 8 pairs.
    expect(by[good!.name]!.agreement).toMatchObject({ pairs: 8, agreed: 4, rate: { value: 0.5 } });
    // the Dawid–Skene reliability: two judges agree on every comparison, the third never does
    const reliability = (name: string) =>
      (rows as unknown as Array<{ name: string; reliability: { value: number } }>).find(
        (r) => r.name === name,
      )!.reliability.value;
    expect(reliability(good!.name)).toBeGreaterThan(0.9);
    expect(reliability(third!.name)).toBeGreaterThan(0.9);
    expect(reliability(bad!.name)).toBeLessThan(0.1);
    expect(by[bad!.name]!.agreement).toMatchObject({ pairs: 8, agreed: 0, rate: { value: 0 } });
  });

  it('exports the judgments file with the systems named, and refuses judge tokens', async () => {
    const study = await makePairedStudy(tdb.db, { items: 2 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    await judgeAll(judge!.token, (leftIsSft) => (leftIsSft ? 'left' : 'right'), 500);
    const res = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/export`,
      headers: admin,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename=".*-judgments\.jsonl"/,
    );
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { a: string; b: string; winner: string; judge: string });
    expect(lines).toHaveLength(2);
    for (const l of lines)
      expect(l).toMatchObject({ a: 'sft', b: 'base', winner: 'a', judge: judge!.name });
    const refused = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/export`,
      headers: { authorization: `Bearer ${judge!.token}` },
    });
    expect(refused.statusCode).toBe(403);
  });
  it('serves the report JSON with the options of `tracearena report`, and 400 for an unknown base', async () => {
    const study = await makePairedStudy(tdb.db, { items: 6 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    await judgeAll(judge!.token, (leftIsSft) => (leftIsSft ? 'left' : 'right'), 500);
    const res = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/report?ci=wilson&level=0.9&base=base`,
      headers: admin,
    });
    expect(res.statusCode).toBe(200);
    const report = res.json<{
      ci: { level: number };
      pairs: Array<{ a: string; b: string; n: number; winRate: number }>;
    }>();
    expect(report.ci.level).toBe(0.9);
    expect(report.pairs[0]).toMatchObject({ a: 'sft', b: 'base', n: 6, winRate: 1 });
    const bad = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/report?base=nobody`,
      headers: admin,
    });
    expect(bad.statusCode).toBe(400);
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json<{ paths: Record<string, unknown> }>().paths)).toContain(
      '/api/studies/{studyId}/report',
    );
  });
});
