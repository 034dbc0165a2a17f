import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { startCli, stop } from '../../helpers/processes.ts';
import { runJudge, Tally } from './judges.ts';

const JUDGES = 40;
const ITEMS = 200;
const K = 2;
const KILLS = 3;

const startServer = (url: string) =>
  startCli(['serve', '--port', '0', '--database-url', url], /listening on (http:\/\/\S+)/, {
    LOG_LEVEL: 'silent',
  });

// Two real server processes on one PostgreSQL database; one of them is SIGKILLed mid-load.
describe.runIf(backends().includes('postgres'))(
  'two servers, one killed with SIGKILL three times',
  () => {
    let tdb: TestDatabase;
    const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];

    beforeAll(async () => {
      tdb = await openTestDatabase('postgres');
    });
    afterAll(async () => {
      await Promise.all(servers.map((s) => stop(s.child)));
      await tdb.destroy();
    });

    it('stores every acknowledged verdict exactly once and finishes every slot', async () => {
      const study = await makePairedStudy(tdb.db, { items: ITEMS, k: K });
      const judges = await makeJudges(tdb.db, study.studyId, JUDGES);
      servers.push(...(await Promise.all([0, 1].map(() => startServer(tdb.url!)))));
      const urls = () => servers.map((s) => s.match[1]!);

      const tally = new Tally();
      // New comparisons wait while a killed server restarts (tsx takes seconds to start it on a busy
      // machine): the judges in flight at the kill retry on the other server, then work resumes.
      let gate: Promise<void> = Promise.resolve();
      const crowd = Promise.all(
        judges.map((j, seed) =>
          runJudge({
            urls,
            token: j.token,
            tally,
            stop: () => false,
            seed,
            tolerateNetworkErrors: true,
            pace: () => gate,
          }),
        ),
      );
      let finished = false;
      void crowd.finally(() => (finished = true));

      let kills = 0;
      for (; kills < KILLS; kills++) {
        const before = tally.acknowledged.size;
        while (tally.acknowledged.size < before + 40) {
          if (finished)
            throw new Error(
              `the crowd ended after ${kills} kills: ${tally.acknowledged.size} acknowledged, ${JSON.stringify(Object.fromEntries(tally.statuses))}, ${tally.bad.slice(0, 3).join('; ')}`,
            );
          await sleep(20);
        }
        const victim = kills % 2;
        const dying = servers[victim]!;
        const exited = new Promise((r) => dying.child.once('exit', r));
        let open = () => undefined as void;
        gate = new Promise((r) => (open = r));
        dying.child.kill('SIGKILL');
        await exited;
        const t = Date.now();
        servers[victim] = await startServer(tdb.url!);
        open();
        console.info(
          `kill ${kills + 1} at ${before} acknowledged; restarted in ${Date.now() - t} ms; ${tally.acknowledged.size} acknowledged`,
        );
      }
      await crowd;

      expect(tally.bad).toEqual([]);
      expect(tally.networkErrors).toBeGreaterThan(0);
      const perAssignment = await queryRows<{ assignment_id: string; n: number }>(
        tdb.db,
        sql`select v.assignment_id, count(*)::int as n from verdicts v
          join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}
          group by v.assignment_id`,
      );
      const stored = new Map(perAssignment.map((r) => [r.assignment_id, r.n]));
      expect([...stored.values()].filter((n) => n !== 1)).toHaveLength(0);
      expect([...tally.acknowledged.keys()].filter((id) => stored.get(id) !== 1)).toEqual([]);
      expect(stored.size).toBe(tally.acknowledged.size);
      const [slots] = await queryRows<{ done: number; total: number }>(
        tdb.db,
        sql`select count(*) filter (where status = 'done')::int as done, count(*)::int as total
          from assignments where study_id = ${study.studyId} and run_id is null`,
      );
      expect(slots).toEqual({ done: ITEMS * K, total: ITEMS * K });
      expect(tally.acknowledged.size).toBe(ITEMS * K);
      console.info(
        `sigkill: ${kills} kills, ${tally.acknowledged.size} acknowledged, ${stored.size} stored, ` +
          `${tally.networkErrors} requests without an answer, statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}`,
      );
    }, 180_000);
  },
);
