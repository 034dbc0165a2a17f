import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { runJudging } from '../../../server/llm/runner.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { makeDemoStudy, testRunOptions } from './setup.ts';

describe.each(backends())('LLM-judge budget on %s', (backend) => {
  let tdb: TestDatabase;
  let fake: FakeLlm;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    fake = await startFakeLlm({ latencyMs: 10 });
  });
  afterAll(async () => {
    await fake.close();
    await tdb.destroy();
  });

  it('stops at --max-cost before exceeding it, then finishes when given more budget', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 20 });
    // USD per 1M tokens: each call reports 1,200 + 80 tokens, so costs 0.0144.
    const prices = { 'judge-budget': { input: 10, output: 30 } };
    // The reservation is an upper bound (a token per byte of text, 1,600 per image, all of max_tokens):
    // here 0.05 to 0.17 per call, so the run stops well before 20 × 0.0144 = 0.288.
    const maxCostUsd = 0.3;
    const opts = testRunOptions(study.studyId, fake.openaiBaseUrl, {
      models: ['judge-budget'],
      prices,
      maxCostUsd,
      concurrency: 4,
    });
    const first = await runJudging(tdb, opts);
    expect(first.status).toBe('budget_exhausted');
    expect(first.done).toBeGreaterThan(0);
    expect(first.done).toBeLessThan(20);
    expect(first.costUsd).toBeLessThanOrEqual(maxCostUsd);
    expect(first.costUsd).toBeCloseTo(first.calls * 0.0144, 10);

    const [run] = await queryRows<{ reserved_usd: number; spent: number }>(
      tdb.db,
      sql`select r.reserved_usd, (select coalesce(sum(cost_usd), 0) from llm_attempts a where a.run_id = r.id) as spent
          from llm_runs r where r.id = ${first.runId}`,
    );
    expect(run!.reserved_usd).toBeCloseTo(0, 12);
    expect(Number(run!.spent)).toBeLessThanOrEqual(maxCostUsd);

    const second = await runJudging(tdb, { ...opts, maxCostUsd: 5 });
    expect(second).toMatchObject({ runId: first.runId, status: 'completed', done: 20, failed: 0 });
    expect(second.costUsd).toBeCloseTo(20 * 0.0144, 10);
  });

  it('refuses --max-cost for a model without a price', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 1 });
    await expect(
      runJudging(
        tdb,
        testRunOptions(study.studyId, fake.openaiBaseUrl, {
          models: ['local-llama'],
          maxCostUsd: 1,
        }),
      ),
    ).rejects.toThrow(/no price for local-llama/);
  });
});
