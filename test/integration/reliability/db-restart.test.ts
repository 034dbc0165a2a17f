import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { createDatabase, queryRows, type Database } from '../../../server/db/client.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { canStartCluster, startCluster, type PgCluster } from '../../helpers/pg-cluster.ts';
import { startCli, stop } from '../../helpers/processes.ts';
import { Viewer, verdictsIn } from '../dashboard/live-client.ts';
import { runJudge, Tally } from './judges.ts';

const JUDGES = 20;

async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// Fault injection: the test owns a PostgreSQL cluster so it can restart it under load.
// CI has the server binaries: there, a missing one fails the test instead of skipping it.
describe.runIf(canStartCluster() || process.env.CI === 'true')(
  'a server while its PostgreSQL restarts under load',
  () => {
    let cluster: PgCluster;
    let database: Database;
    let server: Awaited<ReturnType<typeof startCli>>;
    let base: string;

    beforeAll(async () => {
      cluster = await startCluster();
      database = await createDatabase({ databaseUrl: cluster.url });
      server = await startCli(
        ['serve', '--port', '0', '--database-url', cluster.url],
        /listening on (http:\/\/\S+)/,
        { LOG_LEVEL: 'silent' },
      );
      base = server.match[1]!;
    });
    afterAll(async () => {
      if (server) await stop(server.child);
      await database?.close();
      await cluster?.destroy();
    });

    it('survives two restarts: only 2xx/503/410 answers, live dashboard updates after each, every acknowledged verdict stored once', async () => {
      const study = await makePairedStudy(database.db, { items: 600, k: 2 });
      const judges = await makeJudges(database.db, study.studyId, JUDGES);
      const adminToken = await createAdminToken(database.db);
      const viewer = await Viewer.open(base, study.studyId, adminToken);
      await viewer.waitFor((m) => m.type === 'snapshot');

      const t0 = Date.now();
      const tally = new Tally();
      let stopped = false;
      const crowd = Promise.all(
        judges.map((j, seed) =>
          runJudge({ urls: () => [base], token: j.token, tally, stop: () => stopped, seed }),
        ),
      );
      const health = async () => {
        const res = await fetch(`${base}/api/health`);
        return {
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          body: await res.json(),
        };
      };
      /** After a restart: judging goes on and the dashboard hears of it at once, not on its 15-s timer. */
      const judgingResumes = async () => {
        await until('health up', async () => (await health()).status === 200);
        expect((await health()).body).toEqual({ ok: true, db: 'up' });
        const acked = tally.acknowledged.size;
        await until('30 more verdicts', () => tally.acknowledged.size >= acked + 30);
        const seen = viewer.messages.length;
        await until(
          'three live snapshots',
          () => {
            const counts = viewer.messages.slice(seen).map(verdictsIn);
            return (
              counts.filter((n, i) => n > acked && (i === 0 || n > counts[i - 1]!)).length >= 3
            );
          },
          4000,
        );
      };

      try {
        await until('first verdicts', () => tally.acknowledged.size >= 40);
        console.info(`first verdicts after ${Date.now() - t0} ms`);

        // Restart 1: a fast shutdown, held down for a second while the judges keep calling.
        await cluster.stop('fast');
        await sleep(1000);
        const down = await health();
        expect(down.status).toBe(503);
        expect(down.body).toEqual({ ok: false, db: 'down' });
        expect(Number(down.retryAfter)).toBeGreaterThan(0);
        await cluster.start();
        await judgingResumes();

        // Restart 2: an immediate (crash-like) shutdown and restart.
        await cluster.restart('immediate');
        await judgingResumes();
      } finally {
        stopped = true;
        await crowd;
        viewer.close();
      }

      expect(server.child.exitCode, server.stderr()).toBeNull();
      expect(tally.bad).toEqual([]);
      expect(tally.missingRetryAfter).toBe(0);
      for (const key of tally.statuses.keys()) expect(key).toMatch(/ (200|204|410|503)$/);
      expect(
        (tally.statuses.get('next 503') ?? 0) + (tally.statuses.get('verdict 503') ?? 0),
      ).toBeGreaterThan(0);

      const stored = await queryRows<{ assignment_id: string; n: number }>(
        database.db,
        sql`select v.assignment_id, count(*)::int as n from verdicts v
          join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}
          group by v.assignment_id`,
      );
      const perAssignment = new Map(stored.map((r) => [r.assignment_id, r.n]));
      expect([...perAssignment.values()].filter((n) => n !== 1)).toEqual([]);
      const missing = [...tally.acknowledged.keys()].filter((id) => perAssignment.get(id) !== 1);
      expect(missing).toEqual([]);
      // Each judge resends a verdict until it is answered, so nothing is stored unacknowledged either.
      expect(perAssignment.size).toBe(tally.acknowledged.size);
      console.info(
        `db-restart: ${tally.acknowledged.size} acknowledged, ${perAssignment.size} stored, statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}`,
      );
    }, 120_000);
  },
);
