import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { runJudging } from '../../../server/llm/runner.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { makeDemoStudy, testRunOptions } from './setup.ts';

// What a kill can lose: with one call in flight, the next request is sent only once the answer to
// the previous one is stored (in the response cache when it gave a verdict, as an attempt when it
// did not), so a kill at any moment loses at most the answer of the call in flight. The SIGKILL test
// (sigkill.test.ts) checks the same bound on a real process, with several calls in flight.
describe.each(backends())(
  'a provider answer is stored before its call slot is freed, on %s',
  (backend) => {
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

    it('with --concurrency 1, every earlier answer is stored when the next request arrives', async () => {
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
        // At least: the query runs a moment after the request arrived, when its answer may be in.
        const at = await seen[n]!;
        expect(at.cached, `cache rows when request ${n} arrived`).toBeGreaterThanOrEqual(
          answered.size,
        );
        expect(at.failed, `parse failures when request ${n} arrived`).toBeGreaterThanOrEqual(
          failed,
        );
      }
    });
  },
);
