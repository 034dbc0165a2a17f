import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { createDatabase } from '../../../server/db/client.ts';
import { llmRuns } from '../../../server/db/schema/index.ts';
import { notifyRun } from '../../../server/llm/record.ts';
import { eq } from 'drizzle-orm';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { Viewer, verdictsIn } from './live-client.ts';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe.each(backends())('live dashboard on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let baseUrl: string;
  let admin: string;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    baseUrl = await listen(app);
    admin = await createAdminToken(tdb.db);
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  async function judgeOne(token: string, winner: 'left' | 'right' | 'tie' = 'left') {
    const headers = { authorization: `Bearer ${token}` };
    const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
    expect(next.statusCode).toBe(200);
    const id = next.json<{ assignment: { id: string } }>().assignment.id;
    const v = await app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${id}/verdict`,
      headers,
      payload: { winner, axes: {} },
    });
    expect(v.statusCode).toBe(200);
  }

  it('sends a snapshot on connect and another within a second of a verdict', async () => {
    const study = await makePairedStudy(tdb.db, { items: 4 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const viewer = await Viewer.open(baseUrl, study.studyId, admin);
    const first = await viewer.waitFor((m) => m.type === 'snapshot');
    expect(verdictsIn(first)).toBe(0);
    if (first.type !== 'snapshot') throw new Error('unreachable');
    expect(first.snapshot.sets).toEqual([
      {
        a: 'sft',
        b: 'base',
        comparisons: 4,
        comparisonsComplete: 0,
        slots: 4,
        slotsDone: 0,
        slotsLeased: 0,
      },
    ]);
    expect(first.snapshot.perMinute).toHaveLength(30);

    const started = Date.now();
    await judgeOne(judge!.token, 'left');
    // pushed, not the 15-s fallback timer; 5 s leaves room for a loaded CI machine
    const update = await viewer.waitFor((m) => verdictsIn(m) === 1, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    if (update.type !== 'snapshot') throw new Error('unreachable');
    const pair = update.snapshot.pairs[0]!;
    expect(pair).toMatchObject({
      a: 'sft',
      b: 'base',
      n: 1,
      ciMethod: 'agresti-coull',
      level: 0.95,
    });
    expect(pair.wins + pair.losses).toBe(1);
    expect(pair.ci![0]).toBeLessThanOrEqual(pair.winRate!);
    expect(update.snapshot.judges[0]).toMatchObject({ name: judge!.name, verdicts: 1 });
    // In the last bucket, or the one before when the minute turned between verdict and snapshot.
    const recent = update.snapshot.perMinute.slice(-2).map((m) => m.verdicts);
    expect(recent[0]! + recent[1]!).toBe(1);
    viewer.close();
  });

  it("shows LLM runs with the admin figures and updates them on the runner's notification", async () => {
    const study = await makePairedStudy(tdb.db, { items: 2 });
    const now = Date.now();
    const config = { judges: [{ name: 'judge-model', provider: 'openai' }], swap: true };
    // Created before six finished runs: shown because it is unfinished, not because it is recent.
    const [running] = await tdb.db
      .insert(llmRuns)
      .values({
        studyId: study.studyId,
        config,
        status: 'running',
        total: 8,
        done: 3,
        failed: 1,
        calls: 4,
        inputTokens: 4800,
        outputTokens: 320,
        costUsd: 0.012,
        maxCostUsd: 1,
        startedAt: new Date(now - 10_000),
        heartbeatAt: new Date(now),
        createdAt: new Date(now - 60_000),
      })
      .returning();
    await tdb.db.insert(llmRuns).values(
      Array.from({ length: 6 }, (_, i) => ({
        studyId: study.studyId,
        config,
        status: 'completed' as const,
        total: 2,
        done: 2,
        createdAt: new Date(now - 50_000 + i * 1000),
      })),
    );
    const viewer = await Viewer.open(baseUrl, study.studyId, admin);
    const first = await viewer.waitFor((m) => m.type === 'snapshot');
    if (first.type !== 'snapshot') throw new Error('unreachable');
    const runs = first.snapshot.runs;
    expect(runs).toHaveLength(6);
    expect(runs.filter((r) => r.status === 'completed')).toHaveLength(5);
    const shown = runs.find((r) => r.id === running!.id)!;
    expect(shown).toMatchObject({
      status: 'running',
      judges: ['judge-model'],
      swap: true,
      total: 8,
      done: 3,
      failed: 1,
      inputTokens: 4800,
      outputTokens: 320,
      costUsd: 0.012,
      maxCostUsd: 1,
    });
    // 4 finished in 10 s: 0.4/s, 4 left → 10 s; the same figures as the admin route's list.
    expect(shown.ratePerSecond).toBeCloseTo(0.4, 2);
    expect(shown.etaSeconds).toBeCloseTo(10, 1);
    const listed = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/llm-runs`,
      headers: { authorization: `Bearer ${admin}` },
    });
    const fromRoute = listed.json<Array<Record<string, unknown>>>().find((r) => r.id === shown.id);
    for (const k of ['total', 'done', 'failed', 'ratePerSecond', 'etaSeconds', 'costUsd'] as const)
      expect(shown[k]).toEqual(fromRoute![k]);

    await tdb.db
      .update(llmRuns)
      .set({ status: 'completed', done: 7, finishedAt: new Date() })
      .where(eq(llmRuns.id, running!.id));
    const started = Date.now();
    await notifyRun(tdb.db, { studyId: study.studyId, runId: running!.id });
    const update = await viewer.waitFor(
      (m) =>
        m.type === 'snapshot' &&
        m.snapshot.runs.some((r) => r.id === running!.id && r.status === 'completed'),
      5000,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    if (update.type !== 'snapshot') throw new Error('unreachable');
    expect(update.snapshot.runs.find((r) => r.id === running!.id)).toMatchObject({
      done: 7,
      failed: 1,
      etaSeconds: null,
    });
    viewer.close();
  });

  it('accepts the token in the query string too, and refuses judge tokens, bad tokens and unknown studies', async () => {
    const study = await makePairedStudy(tdb.db, { items: 1 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const viaQuery = await Viewer.open(baseUrl, study.studyId, admin, { inQuery: true });
    await viaQuery.waitFor((m) => m.type === 'snapshot');
    viaQuery.close();

    for (const token of [judge!.token, 'ta_admin_nonsense']) {
      const refused = await Viewer.open(baseUrl, study.studyId, token);
      await expect(refused.waitFor(() => false, 3000)).rejects.toThrow(/closed with 4401/);
      expect(refused.messages).toEqual([
        { type: 'error', code: 'TA_UNAUTHORIZED', message: 'an admin token is required' },
      ]);
    }
    const missing = await Viewer.open(baseUrl, '00000000-0000-4000-8000-000000000000', admin);
    await expect(missing.waitFor(() => false, 3000)).rejects.toThrow(/closed with 4404/);
  });

  it('coalesces a burst of verdicts into a few snapshots shared by all viewers', async () => {
    const study = await makePairedStudy(tdb.db, { items: 20 });
    const judges = await makeJudges(tdb.db, study.studyId, 20);
    const viewers = await Promise.all(
      Array.from({ length: 10 }, () => Viewer.open(baseUrl, study.studyId, admin)),
    );
    await Promise.all(viewers.map((v) => v.waitFor((m) => m.type === 'snapshot')));
    // A viewer that joined while the first snapshot was being computed gets a second one: let it
    // land before counting.
    await new Promise((r) => setTimeout(r, 300));
    const before = app.liveHub.computed;
    const received = viewers.map((v) => v.messages.length);
    await Promise.all(judges.map((j) => judgeOne(j.token)));
    await Promise.all(viewers.map((v) => v.waitFor((m) => verdictsIn(m) === 20, 5000)));
    const computed = app.liveHub.computed - before;
    // 20 verdicts × 10 viewers would be 200 computations without coalescing.
    expect(computed).toBeLessThan(10);
    // Every viewer got the same few snapshots: one message per computation at most.
    viewers.forEach((v, i) => {
      expect(v.messages.length - received[i]!).toBeLessThanOrEqual(computed);
      v.close();
    });
  });

  it('holds 500 open viewers and updates every one of them', { timeout: 120_000 }, async () => {
    const study = await makePairedStudy(tdb.db, { items: 2 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const viewers: Viewer[] = [];
    for (let batch = 0; batch < 10; batch++) {
      viewers.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, () => Viewer.open(baseUrl, study.studyId, admin)),
        )),
      );
    }
    await Promise.all(viewers.map((v) => v.waitFor((m) => m.type === 'snapshot', 30_000)));
    expect(app.liveHub.viewerCount(study.studyId)).toBe(500);
    const started = Date.now();
    await judgeOne(judge!.token);
    await Promise.all(viewers.map((v) => v.waitFor((m) => verdictsIn(m) === 1, 10_000)));
    const elapsed = Date.now() - started;
    // under the 15-s fallback timer, so it was pushed (a loaded CI machine needs the margin)
    expect(elapsed).toBeLessThan(10_000);
    for (const v of viewers) v.close();
  });

  it.runIf(backend === 'postgres')(
    'reaches viewers connected to another server process through LISTEN/NOTIFY',
    async () => {
      const other = await createDatabase({ databaseUrl: tdb.url! });
      const second = await buildApp({ database: other, logger: false, config: loadConfig({}) });
      try {
        const secondUrl = await listen(second);
        const study = await makePairedStudy(tdb.db, { items: 2 });
        const [judge] = await makeJudges(tdb.db, study.studyId, 1);
        const viewer = await Viewer.open(secondUrl, study.studyId, admin);
        await viewer.waitFor((m) => m.type === 'snapshot');
        await judgeOne(judge!.token); // recorded through the first process
        await viewer.waitFor((m) => verdictsIn(m) === 1, 5000);
        viewer.close();
      } finally {
        await second.close();
        await other.close();
      }
    },
  );
});
