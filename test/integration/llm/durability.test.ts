import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { runJudging } from '../../../server/llm/runner.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { makeDemoStudy, testRunOptions } from './setup.ts';

// What a kill can lose: a call's slot is freed once its answer is stored (an answer without a
// verdict is recorded whole) or is one of at most C answers whose cache row is being written
// (C = --concurrency), so a kill at any moment loses at most 2 x C answers. The SIGKILL test
// (sigkill.test.ts) checks that bound on a real process.
describe.each(backends())('provider answers are stored as they arrive, on %s', (backend) => {
  let tdb: TestDatabase;
  let fake: FakeLlm;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
    await tdb.destroy();
  });

  const count = async (query: ReturnType<typeof sql>) =>
    (await queryRows<{ n: number }>(tdb.db, query))[0]?.n ?? 0;

  it('with --concurrency 1, every earlier answer but one cache row is stored when the next request arrives', async () => {
    // This file's own database: the cache starts empty.
    expect(await count(sql`select count(*)::int as n from llm_cache`)).toBe(0);
    const study = await makeDemoStudy(tdb.db, { items: 12 });
    // Every fourth answer gives no verdict (not cached; recorded whole as a parse failure).
    const unparseable = (n: number) => n % 4 === 3;
    const seen: Array<Promise<{ cached: number; failed: number }>> = [];
    fake.script((req) => {
      seen[req.n] = Promise.all([
        count(sql`select count(*)::int as n from llm_cache`),
        count(sql`select count(*)::int as n from llm_attempts where outcome = 'parse_failed'`),
      ]).then(([cached, failed]) => ({ cached, failed }));
      return unparseable(req.n)
        ? { kind: 'text', text: 'I would rather not say.' }
        : { kind: 'verdict' };
    });
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { concurrency: 1, swap: true }),
    );
    expect(summary.calls).toBe(24);
    expect(summary.failed).toBe(6);
    expect(fake.requests).toHaveLength(24);

    for (let n = 1; n < fake.requests.length; n++) {
      const earlier = fake.requests.slice(0, n);
      // Demo items repeat, so equal requests share one cache row.
      const answered = new Set(earlier.filter((r) => !unparseable(r.n)).map((r) => r.raw));
      const failed = earlier.filter((r) => unparseable(r.n)).length;
      // At least: the queries run a moment after the request arrived, when its answer may be in.
      // One cache row (C = 1) may still be being written; an answer without a verdict may not.
      const at = await seen[n]!;
      expect(at.cached, `cache rows when request ${n} arrived`).toBeGreaterThanOrEqual(
        answered.size - 1,
      );
      expect(at.failed, `parse failures when request ${n} arrived`).toBeGreaterThanOrEqual(failed);
    }
  });

  // Another connection holds llm_cache in SHARE mode: reads go on, every insert waits.
  it.runIf(backend === 'postgres')(
    'while cache writes are blocked, a run asks at most 2 x concurrency calls, then goes on',
    async () => {
      const concurrency = 2;
      const study = await makeDemoStudy(tdb.db, { items: 40 });
      fake.script(() => ({ kind: 'verdict' }));
      const before = fake.requests.length;
      const locker = new pg.Client({ connectionString: tdb.url! });
      await locker.connect();
      try {
        await locker.query('begin');
        await locker.query('lock table llm_cache in share mode');
        const run = runJudging(
          tdb,
          testRunOptions(study.studyId, fake.openaiBaseUrl, { concurrency, swap: true }),
        );
        // Let it ask all it will (the fake answers at once): until the count stays put for 1 s.
        let asked = -1;
        let still = 0;
        for (let i = 0; i < 100 && still < 10; i++) {
          const now = fake.requests.length - before;
          still = now === asked ? still + 1 : 0;
          asked = now;
          await new Promise((r) => setTimeout(r, 100));
        }
        // C answers being written outside their slots, C slots waiting for room: nothing more.
        expect(asked).toBeGreaterThan(concurrency);
        expect(asked).toBeLessThanOrEqual(2 * concurrency);
        await locker.query('commit');
        const summary = await run;
        // Orders of items judged by the first test come from the cache.
        expect(summary).toMatchObject({ status: 'completed', done: 80 });
        expect(summary.calls + summary.cached).toBe(80);
        expect(fake.requests.length - before).toBe(summary.calls);
      } finally {
        await locker.end();
      }
    },
  );
});
