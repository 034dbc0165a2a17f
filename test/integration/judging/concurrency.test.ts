import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { startCli, stop } from '../../helpers/processes.ts';

const onPostgres = backends().includes('postgres') ? describe : describe.skip;

async function post(base: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: res.status,
    body: res.status === 204 ? null : ((await res.json()) as { assignment: { id: string } }),
  };
}

/** Checks the queue's invariants straight from the database. */
async function assertQueueInvariants(tdb: TestDatabase, studyId: string, k: number) {
  const perComparison = await queryRows<{ judges: number; distinct_judges: number; slots: number }>(
    tdb.db,
    sql`select count(judge_id)::int as judges, count(distinct judge_id)::int as distinct_judges, count(*)::int as slots
        from assignments where run_id is null and study_id = ${studyId} group by comparison_id`,
  );
  for (const row of perComparison) {
    expect(row.judges).toBeLessThanOrEqual(k);
    expect(row.distinct_judges).toBe(row.judges);
    expect(row.slots).toBe(k);
  }
  const dupVerdicts = await queryRows<{ n: number }>(
    tdb.db,
    sql`select count(*)::int as n from (select comparison_id, judge_id from verdicts group by 1, 2 having count(*) > 1) d`,
  );
  expect(dupVerdicts[0]!.n).toBe(0);
}

onPostgres('judging queue under real concurrency on PostgreSQL', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    tdb = await openTestDatabase('postgres');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('100 judges calling next at once never exceed K per comparison nor repeat a comparison', async () => {
    const k = 3;
    const study = await makePairedStudy(tdb.db, { items: 40, k });
    const judges = await makeJudges(tdb.db, study.studyId, 100);
    // Three waves of 100 simultaneous calls, each judge submitting what it got in between.
    for (let wave = 0; wave < 3; wave++) {
      const results = await Promise.all(judges.map((j) => post(base, '/api/judge/next', j.token)));
      const leased = results
        .filter((r) => r.status === 200)
        .map((r) => r.body!.assignment.id as string);
      expect(new Set(leased).size).toBe(leased.length); // one assignment, one judge
      await Promise.all(
        results.map((r, i) =>
          r.status === 200
            ? post(
                base,
                `/api/judge/assignments/${r.body!.assignment.id}/verdict`,
                judges[i]!.token,
                { winner: 'tie', axes: {} },
              )
            : null,
        ),
      );
      await assertQueueInvariants(tdb, study.studyId, k);
    }
    // 40 comparisons × 3 slots = 120 verdicts at most, all handed out by now
    const [{ n }] = (await queryRows<{ n: number }>(
      tdb.db,
      sql`select count(*)::int as n from verdicts`,
    )) as [{ n: number }];
    expect(n).toBe(120);
  });

  it('two server processes on one PostgreSQL share the queue', async () => {
    const k = 2;
    const study = await makePairedStudy(tdb.db, { items: 30, k });
    const judges = await makeJudges(tdb.db, study.studyId, 20);
    const servers = await Promise.all(
      [0, 1].map(() =>
        startCli(
          ['serve', '--port', '0', '--database-url', tdb.url!],
          /listening on (http:\/\/\S+)/,
          { LOG_LEVEL: 'silent' },
        ),
      ),
    );
    try {
      const urls = servers.map((s) => s.match[1]!);
      // Each judge alternates between the two processes; all judges run at once.
      await Promise.all(
        judges.map(async (j, i) => {
          for (let step = 0; ; step++) {
            const url = urls[(i + step) % 2]!;
            const r = await post(url, '/api/judge/next', j.token);
            if (r.status === 204) return;
            expect(r.status).toBe(200);
            const v = await post(
              urls[(i + step + 1) % 2]!,
              `/api/judge/assignments/${r.body!.assignment.id}/verdict`,
              j.token,
              {
                winner: step % 2 ? 'left' : 'right',
                axes: {},
              },
            );
            expect(v.status).toBe(200);
          }
        }),
      );
      await assertQueueInvariants(tdb, study.studyId, k);
      const [{ n }] = (await queryRows<{ n: number }>(
        tdb.db,
        sql`select count(*)::int as n from verdicts v join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}`,
      )) as [{ n: number }];
      expect(n).toBe(60);
    } finally {
      await Promise.all(servers.map((s) => stop(s.child)));
    }
  });
});
