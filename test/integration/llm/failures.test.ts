import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { runJudging } from '../../../server/llm/runner.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import {
  startFakeLlm,
  type Behaviour,
  type FakeLlm,
  type RecordedRequest,
} from '../../helpers/fake-llm.ts';
import { API_KEY, makeDemoStudy, testRunOptions } from './setup.ts';

/** A base URL where nothing listens (connection refused). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/v1`;
}

/** Scripts the first `k` requests for each distinct prompt with `first`, and answers the rest normally. */
function firstThen(first: (r: RecordedRequest) => Behaviour, k = 1) {
  const seen = new Map<string, number>();
  return (r: RecordedRequest): Behaviour => {
    const n = seen.get(r.text) ?? 0;
    seen.set(r.text, n + 1);
    return n < k ? first(r) : { kind: 'verdict' };
  };
}

describe.each(backends())('LLM-judge failure modes on %s', (backend) => {
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
  beforeEach(() => {
    fake.script(() => ({ kind: 'verdict' }));
    fake.requests.length = 0;
  });

  const attempts = (runId: string) =>
    queryRows<{
      outcome: string;
      raw: string | null;
      error: string | null;
      http_status: number | null;
      cached: boolean;
    }>(
      tdb.db,
      sql`select outcome, raw, error, http_status, cached from llm_attempts where run_id = ${runId} order by created_at`,
    );

  it('waits as long as a 429 Retry-After says, then stores the verdict', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 1, name: `ra-${backend}` });
    fake.script(firstThen(() => ({ kind: 'status', status: 429, retryAfter: '1' })));
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['gpt-4o'] }),
    );
    expect(summary).toMatchObject({ status: 'completed', done: 1, failed: 0 });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('does not wait out a Retry-After of an hour: the run stops failed at the first such answer, saying why', async () => {
    // an LLM-run audit: both SDKs sleep whatever Retry-After says, and nothing cancels the sleep,
    // so a quota's 429 with an hour in it held each order (and a Ctrl-C) for an hour; then, the
    // calls failing at once, every leased order retried: 136 requests in 2.6 s before the breaker
    const study = await makeDemoStudy(tdb.db, { items: 12, name: `ra-hour-${backend}` });
    fake.script(() => ({ kind: 'status', status: 429, retryAfter: '3600' }));
    const options = testRunOptions(study.studyId, fake.openaiBaseUrl, {
      // a model of its own: the test above cached gpt-4o's answer to the same prompt
      models: ['gpt-4o-quota'],
    });
    const summary = await runJudging(tdb, options);
    expect(summary).toMatchObject({ status: 'failed', done: 0 });
    expect(summary.error).toMatch(
      /asks to wait 3600 s before another request, longer than a run waits: run the same command again later\)$/,
    );
    // only the calls already in flight when the first answer came, none retried by the SDK
    expect(fake.requests.length).toBeLessThanOrEqual(options.concurrency);
    const rows = await attempts(summary.runId);
    expect(rows.every((r) => r.outcome === 'error' && r.http_status === 429)).toBe(true);
    // a short one is still waited out by the SDK (the test above), as is one of at most 60 s:
    // the cap is on the header, read as the SDKs read it
    const { retryAfterMs } = await import('../../../server/llm/providers/contract.ts');
    const h = (entries: Record<string, string>) => new Headers(entries);
    expect(retryAfterMs(h({ 'retry-after': '60' }))).toBe(60_000);
    expect(retryAfterMs(h({ 'retry-after-ms': '1500' }))).toBe(1500);
    expect(
      retryAfterMs(h({ 'retry-after': new Date(Date.now() + 7_200_000).toUTCString() })),
    ).toBeGreaterThan(7_100_000);
    expect(retryAfterMs(h({}))).toBeNull();
  });

  it('survives 500s, connection resets, hung responses and truncated bodies', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 4 });
    const kinds: Behaviour[] = [
      { kind: 'status', status: 500, retryAfter: '0.01' },
      { kind: 'reset' },
      { kind: 'hang' },
      { kind: 'truncated' },
    ];
    const byPrompt = new Map<string, Behaviour>();
    fake.script(
      firstThen((r) => {
        const b = byPrompt.get(r.text) ?? kinds[byPrompt.size % kinds.length]!;
        byPrompt.set(r.text, b);
        return b;
      }),
    );
    const summary = await runJudging(
      tdb,
      // 2 s: long enough that a truncated body under CI load is read (and fails to parse) before
      // the deadline, short enough that the hung response is cut off quickly
      testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['gpt-4.1'], timeoutMs: 2000 }),
    );
    expect(summary).toMatchObject({ status: 'completed', total: 4, done: 4, failed: 0 });
    expect(new Set([...byPrompt.values()].map((b) => b.kind))).toEqual(
      new Set(['status', 'reset', 'hang', 'truncated']),
    );
    // Each prompt was asked twice: the failure, then the retry that answered.
    expect(fake.requests).toHaveLength(8);
    const rows = await attempts(summary.runId);
    // The SDK retried the transport failures itself; an unreadable 200 body is retried by the run and recorded.
    expect(rows.filter((r) => r.outcome === 'error')).toHaveLength(1);
    expect(rows.filter((r) => r.outcome === 'ok')).toHaveLength(4);
  });

  it('records a refusal and an unparseable answer with their raw text, and guesses nothing', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    let i = 0;
    const scripted: Behaviour[] = [
      { kind: 'refusal' },
      { kind: 'text', text: 'Both responses have merits; it is hard to say.' },
      { kind: 'text', text: '{"reasoning": "A reads the film better", "axes": {"perc' },
    ];
    fake.script(() => scripted[i++ % 3]!);
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['gpt-4.1-nano'] }),
    );
    // No verdict at all: the run failed, and says why.
    expect(summary).toMatchObject({ status: 'failed', total: 3, done: 0, failed: 3 });
    expect(summary.error).toMatch(
      /^3 of 3 orders failed \((parse_failed 2, refused 1|refused 1, parse_failed 2)\); last: /,
    );
    expect(summary.failedByReason).toEqual({ refused: 1, parse_failed: 2 });
    const rows = await attempts(summary.runId);
    expect(rows.map((r) => r.raw).sort()).toEqual(
      [
        'I cannot help with that.',
        'Both responses have merits; it is hard to say.',
        '{"reasoning": "A reads the film better", "axes": {"perc',
      ].sort(),
    );
    const [{ n }] = (await queryRows<{ n: number }>(
      tdb.db,
      sql`select count(*)::int as n from verdicts v join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}`,
    )) as [{ n: number }];
    expect(n).toBe(0);
    // Failed for good: running again makes no call.
    const before = fake.requests.length;
    await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['gpt-4.1-nano'] }),
    );
    expect(fake.requests.length).toBe(before);
  });

  it('reads plain-text verdicts ([[B]], A>>B, JSON in prose) when structured output is off', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    let i = 0;
    const texts = [
      'After weighing both: [[B]]',
      'My final verdict is [[A>>B]].',
      'Here: {"winner": "tie", "axes": {}} done',
    ];
    fake.script(() => ({ kind: 'text', text: texts[i++ % 3]! }));
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, {
        models: ['gpt-4o-mini'],
        structured: false,
      }),
    );
    expect(summary).toMatchObject({ status: 'completed', done: 3, failed: 0 });
    expect(fake.requests.every((r) => r.body.response_format === undefined)).toBe(true);
    const strengths = await queryRows<{ strength: number | null }>(
      tdb.db,
      sql`select v.strength from verdicts v join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}`,
    );
    expect(strengths.map((s) => s.strength).sort()).toEqual([2, null, null]);
  });

  it('gives up on an order after repeated 5xx, recording each attempt, and finishes the rest', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 2 });
    let poisoned: string | null = null;
    fake.script((r) => {
      poisoned ??= r.text;
      return r.text === poisoned
        ? { kind: 'status', status: 503, retryAfter: '0.01' }
        : { kind: 'verdict' };
    });
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, {
        models: ['o4-mini'],
        maxRetries: 1,
        maxErrorAttempts: 2,
      }),
    );
    expect(summary).toMatchObject({
      status: 'completed',
      total: 2,
      done: 1,
      failed: 1,
      failedByReason: { error: 1 },
    });
    const rows = await attempts(summary.runId);
    expect(rows.filter((r) => r.outcome === 'error').map((r) => r.http_status)).toEqual([503, 503]);
    // (SDK retries) × (attempts): 2 × 2 requests for the poisoned prompt.
    expect(fake.requests.filter((r) => r.text === poisoned)).toHaveLength(4);
    // Reasoning models get max_completion_tokens and no temperature.
    expect(fake.requests[0]!.body).toHaveProperty('max_completion_tokens');
    expect(fake.requests[0]!.body).not.toHaveProperty('temperature');
  });

  it('fails an order the provider rejects (400) at once, without retrying it, and finishes the rest', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    let rejected: string | null = null;
    fake.script((r) => {
      rejected ??= r.text;
      return r.text === rejected ? { kind: 'status', status: 400 } : { kind: 'verdict' };
    });
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['gpt-4o'], concurrency: 1 }),
    );
    expect(summary).toMatchObject({
      status: 'completed',
      total: 3,
      done: 2,
      failed: 1,
      failedByReason: { error: 1 },
    });
    expect(fake.requests.filter((r) => r.text === rejected)).toHaveLength(1);
  });

  it('ends failed with the reason when nothing listens at the base URL, with every attempt recorded', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, await deadUrl(), {
        models: ['dead-endpoint-model'],
        maxRetries: 0,
        maxErrorAttempts: 2,
      }),
    );
    expect(summary).toMatchObject({ status: 'failed', total: 3, done: 0, failed: 3 });
    expect(summary.error).toMatch(/^3 of 3 orders failed \(error 3\); last: .*Connection error/);
    const [run] = await queryRows<{ status: string; error: string; finished: boolean }>(
      tdb.db,
      sql`select status, error, finished_at is not null as finished from llm_runs where id = ${summary.runId}`,
    );
    expect(run).toEqual({ status: 'failed', error: summary.error, finished: true });
    // Every failed order has its attempts, each with the reason.
    const perOrder = await queryRows<{ n: number; reasons: number }>(
      tdb.db,
      sql`select count(*)::int as n, count(error)::int as reasons from llm_attempts
          where run_id = ${summary.runId} group by assignment_id, shown_left`,
    );
    expect(perOrder).toEqual([
      { n: 2, reasons: 2 },
      { n: 2, reasons: 2 },
      { n: 2, reasons: 2 },
    ]);
  });

  // Models of their own: another test's cached verdicts for the same prompts would answer them.
  it('ends failed when more than half of its orders failed (the threshold), completed at half', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    let good: string | null = null;
    fake.script((r) => {
      good ??= r.text;
      return r.text === good ? { kind: 'verdict' } : { kind: 'status', status: 400 };
    });
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, {
        models: ['half-failing-model'],
        concurrency: 1,
      }),
    );
    expect(summary).toMatchObject({ status: 'failed', done: 1, failed: 2 });
    expect(summary.error).toMatch(/^2 of 3 orders failed \(error 2\); last: .*400/);
    // A threshold of 1 accepts any share short of all.
    const lenient = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, {
        models: ['half-failing-model'],
        concurrency: 1,
        maxFailedShare: 1,
      }),
    );
    expect(lenient).toMatchObject({ runId: summary.runId, status: 'completed', error: null });
  });

  it('does not stop the run on rejected requests in a row: the provider answered, the orders fail alone', async () => {
    // 11 rejections first (the breaker's limit is 10), then verdicts: 11 of 24 orders fail
    const study = await makeDemoStudy(tdb.db, { items: 24 });
    let n = 0;
    fake.script(() => (n++ < 11 ? { kind: 'status', status: 400 } : { kind: 'verdict' }));
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, {
        models: ['rejects-eleven-first'],
        concurrency: 1,
      }),
    );
    // it stopped at 1 verdict: 'the provider failed 10 times in a row'
    expect(summary).toMatchObject({ status: 'completed', total: 24, done: 13, failed: 11 });
    expect(summary.failedByReason).toEqual({ error: 11 });
  });

  it('counts tokens past 2^31 (a large run): the run completes and its totals are exact', async () => {
    // 300,000,000 input tokens a call: the eighth call passed the int4 columns' 2,147,483,647 and
    // the run failed with 'integer out of range' on every re-run
    const study = await makeDemoStudy(tdb.db, { items: 10 });
    const usage = fake.usage;
    fake.usage = { input: 300_000_000, output: 5_000_000_000 };
    try {
      fake.script(() => ({ kind: 'verdict' }));
      const summary = await runJudging(
        tdb,
        testRunOptions(study.studyId, fake.openaiBaseUrl, {
          models: ['big-usage-model'],
          concurrency: 2,
        }),
      );
      expect(summary).toMatchObject({ status: 'completed', done: 10, failed: 0 });
      expect(summary.inputTokens).toBe(10 * 300_000_000);
      expect(summary.outputTokens).toBe(10 * 5_000_000_000);
    } finally {
      fake.usage = usage;
    }
  });

  it('stops the run on a rejected API key, stores no key, and leaves it resumable', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    fake.script(() => ({
      kind: 'status',
      status: 401,
      body: JSON.stringify({
        // lines as OpenAI writes them, a CR among them: the run's error is still one line
        error: {
          message: `Incorrect API key provided: ${API_KEY}.\nYou can find your API key at https://example.test.\r\nContact support.`,
          type: 'invalid_request_error',
        },
      }),
    }));
    const opts = testRunOptions(study.studyId, fake.openaiBaseUrl, {
      models: ['gpt-5-mini'],
      concurrency: 1,
    });
    const failed = await runJudging(tdb, opts);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/401/);
    expect(failed.error).not.toContain(API_KEY);
    expect(failed.error).toMatch(
      /Incorrect API key provided: .*\. You can find .* Contact support\./,
    );
    expect(failed.error).not.toMatch(/[\r\n]/);
    const rows = await attempts(failed.runId);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.error ?? '').not.toContain('SECRETKEY');
    const [{ leased }] = (await queryRows<{ leased: number }>(
      tdb.db,
      sql`select count(*)::int as leased from assignments where run_id = ${failed.runId} and status = 'leased'`,
    )) as [{ leased: number }];
    expect(leased).toBe(0);

    fake.script(() => ({ kind: 'verdict' }));
    const resumed = await runJudging(tdb, opts);
    expect(resumed).toMatchObject({ runId: failed.runId, status: 'completed', done: 3, failed: 0 });
  });
});
