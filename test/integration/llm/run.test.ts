import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { runJudging } from '../../../server/llm/runner.ts';
import { parseTemplate } from '../../../server/llm/template.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { API_KEY, BASE, CANDIDATE, makeDemoStudy, testRunOptions } from './setup.ts';

describe.each(backends())('LLM-judge runs on %s', (backend) => {
  let tdb: TestDatabase;
  let fake: FakeLlm;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    fake = await startFakeLlm({ latencyMs: 5 });
  });
  afterAll(async () => {
    await fake.close();
    await tdb.destroy();
  });

  const verdictRows = (studyId: string) =>
    queryRows<{
      assignment_id: string;
      comparison_id: string;
      winner: string;
      shown_left: string;
      axes: Record<string, string>;
      judge: string;
      a: string;
    }>(
      tdb.db,
      sql`select v.assignment_id, v.comparison_id, v.winner, v.shown_left, v.axes, j.name as judge, sa.name as a
          from verdicts v join comparisons c on c.id = v.comparison_id join judges j on j.id = v.judge_id
          join systems sa on sa.id = c.system_a_id where c.study_id = ${studyId}`,
    );

  it('completes a run over a demo-like study, sending the images as image parts and no system name', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 9 });
    const before = fake.requests.length;
    const summary = await runJudging(tdb, testRunOptions(study.studyId, fake.openaiBaseUrl));
    expect(summary).toMatchObject({
      status: 'completed',
      total: 9,
      done: 9,
      failed: 0,
      calls: 9,
      cached: 0,
    });
    expect(summary.inputTokens).toBe(9 * fake.usage.input);
    expect(summary.costUsd).toBeCloseTo((9 * (1200 * 0.15 + 80 * 0.6)) / 1e6, 10);

    const requests = fake.requests.slice(before);
    expect(requests).toHaveLength(9);
    for (const r of requests) {
      expect(r.images).toHaveLength(1);
      expect(r.images[0]!.mime).toBe('image/png');
      expect(Buffer.from(r.images[0]!.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
      expect(r.text).toContain('<response_a>');
      expect(r.schema).not.toBeNull();
      expect(r.raw).not.toContain(CANDIDATE);
      expect(r.raw).not.toContain(BASE);
      expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
    }
    const rows = await verdictRows(study.studyId);
    expect(rows).toHaveLength(9);
    // The fake prefers the longer response: the fine-tuned system's, whichever side it was shown on.
    for (const v of rows) expect(v.winner).toBe(v.a === CANDIDATE ? 'a' : 'b');
    expect(new Set(rows.map((v) => v.shown_left))).toEqual(new Set(['a', 'b']));
  });

  it('makes zero calls when run again, and a new run with the same settings re-bills nothing', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 5 });
    const opts = testRunOptions(study.studyId, fake.openaiBaseUrl);
    await runJudging(tdb, opts);
    const before = fake.requests.length;
    const again = await runJudging(tdb, opts);
    expect(fake.requests.length).toBe(before);
    // (Calls made by earlier tests on the same demo items may have come from the cache.)
    expect(again).toMatchObject({ status: 'completed', done: 5 });
    expect(again.calls + again.cached).toBe(5);

    // Forget the run (and so its verdicts): a new run with the same settings is served by the cache.
    await tdb.db.execute(sql`delete from llm_runs where id = ${again.runId}`);
    const fresh = await runJudging(tdb, opts);
    expect(fresh.runId).not.toBe(again.runId);
    expect(fake.requests.length).toBe(before);
    expect(fresh).toMatchObject({
      status: 'completed',
      done: 5,
      calls: 0,
      cached: 5,
      costUsd: 0,
      inputTokens: 0,
    });
  });

  it('judges both orders with --swap and stores each verdict with the right systems', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 6 });
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { swap: true, models: ['gpt-4.1-mini'] }),
    );
    expect(summary).toMatchObject({ status: 'completed', total: 12, done: 12, failed: 0 });
    const rows = await verdictRows(study.studyId);
    const byAssignment = new Map<string, string[]>();
    for (const v of rows)
      byAssignment.set(v.assignment_id, [
        ...(byAssignment.get(v.assignment_id) ?? []),
        v.shown_left,
      ]);
    expect(byAssignment.size).toBe(6);
    for (const orders of byAssignment.values()) expect(orders.sort()).toEqual(['a', 'b']);
    for (const v of rows) {
      expect(v.winner).toBe(v.a === CANDIDATE ? 'a' : 'b');
      expect(Object.values(v.axes).every((side) => side === v.winner)).toBe(true);
    }
  });

  it('runs a panel of two models as two judges, over the Anthropic protocol with tool use', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 4 });
    const before = fake.requests.length;
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.anthropicBaseUrl, {
        provider: 'anthropic',
        models: ['claude-sonnet-4', 'claude-haiku-4-5'],
      }),
    );
    expect(summary).toMatchObject({
      status: 'completed',
      total: 8,
      done: 8,
      judges: ['anthropic:claude-sonnet-4', 'anthropic:claude-haiku-4-5'],
    });
    const requests = fake.requests.slice(before);
    expect(requests.every((r) => r.protocol === 'anthropic' && r.images.length === 1)).toBe(true);
    expect(requests.every((r) => (r.body.tool_choice as { type: string }).type === 'tool')).toBe(
      true,
    );
    // The SDK authenticates with the key (as x-api-key or a bearer token, depending on its version).
    for (const r of requests)
      expect([r.headers['x-api-key'], r.headers.authorization]).toContainEqual(
        expect.stringContaining(API_KEY),
      );
    const rows = await verdictRows(study.studyId);
    expect(new Set(rows.map((v) => v.judge))).toEqual(
      new Set(['anthropic:claude-sonnet-4', 'anthropic:claude-haiku-4-5']),
    );
    const perJudge = rows.reduce<Record<string, number>>(
      (m, v) => ({ ...m, [v.judge]: (m[v.judge] ?? 0) + 1 }),
      {},
    );
    expect(Object.values(perJudge)).toEqual([4, 4]);
  });

  it('shows the reference answer only with --with-reference, and names the judge by its settings', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 2 });
    const before = fake.requests.length;
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { withReference: true }),
    );
    expect(summary.judges[0]).toMatch(/^openai:gpt-4o-mini#[0-9a-f]{8}$/);
    expect(fake.requests.slice(before).every((r) => r.text.includes('<reference_answer>'))).toBe(
      true,
    );
  });

  it('announces verdicts and run progress on the events channel, and spaces calls by --rpm', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 4 });
    const events: Array<{ type: string; studyId: string; runId?: string }> = [];
    const unlisten = await tdb.listen('tracearena_events', (p) =>
      events.push(JSON.parse(p) as (typeof events)[number]),
    );
    const before = fake.requests.length;
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['gpt-4.1-nano'], rpm: 600 }),
    );
    await new Promise((r) => setTimeout(r, 100));
    await unlisten();
    expect(summary.done).toBe(4);
    const mine = events.filter((e) => e.studyId === study.studyId);
    expect(mine).toContainEqual({ type: 'verdict', studyId: study.studyId });
    expect(mine).toContainEqual({ type: 'run', studyId: study.studyId, runId: summary.runId });
    // 600 requests per minute: one every 100 ms, so the 4 calls start over ~300 ms (unspaced, they
    // would arrive within a few ms). These are arrival times at the fake server; the first call
    // also opens the connection and arrives late on a loaded machine (61 ms once), so the spacing
    // is measured from the second: two 100-ms gaps, less 20 ms of slack.
    const times = fake.requests.slice(before).map((r) => r.at);
    expect(times).toHaveLength(4);
    expect(times.at(-1)! - times[1]!).toBeGreaterThanOrEqual(180);
  });

  it('fills a custom template (system part, sections, variables) and rejects unknown variables', async () => {
    expect(() =>
      parseTemplate('{{question}} {{response_a}} {{response_b}} {{system_name}}', 'bad.txt'),
    ).toThrow(/unknown template variable '\{\{system_name\}\}'/);
    expect(() => parseTemplate('{{question}} {{response_a}}', 'half.txt')).toThrow(
      /both responses/,
    );
    const template = parseTemplate(
      [
        'You are a radiologist.',
        '---user---',
        'Q: {{question}}{{#reference}} REF: {{reference}}{{/reference}}{{^reference}} (no reference){{/reference}}',
        '<response_a>{{trace_a}} => {{answer_a}}</response_a>',
        '<response_b>{{trace_b}} => {{answer_b}}</response_b>',
        'Axes: {{axes}}',
        '{{output_format}}',
      ].join('\n'),
      'custom.txt',
    );
    const study = await makeDemoStudy(tdb.db, { items: 2 });
    const before = fake.requests.length;
    const summary = await runJudging(
      tdb,
      testRunOptions(study.studyId, fake.openaiBaseUrl, { template }),
    );
    expect(summary).toMatchObject({ status: 'completed', done: 2 });
    expect(summary.judges[0]).toMatch(/#[0-9a-f]{8}$/);
    for (const r of fake.requests.slice(before)) {
      const system = (r.body.messages as Array<{ role: string; content: unknown }>)[0]!;
      expect(system).toEqual({ role: 'system', content: 'You are a radiologist.' });
      expect(r.text).toMatch(/^Q: .+ \(no reference\)\n<response_a>/);
      expect(r.text).toContain('Axes: perception, medical_knowledge, rationale');
      expect(r.text).not.toContain('{{');
    }
  });

  it('never writes the API key to the database', async () => {
    const dump = await queryRows<{ t: string }>(
      tdb.db,
      sql`select concat_ws('|', (select string_agg(r::text, '|') from llm_runs r), (select string_agg(a::text, '|') from llm_attempts a),
          (select string_agg(j::text, '|') from judges j), (select string_agg(c.response::text, '|') from llm_cache c)) as t`,
    );
    expect(dump[0]!.t.length).toBeGreaterThan(100);
    expect(dump[0]!.t).not.toContain(API_KEY);
    expect(dump[0]!.t).not.toContain('SECRETKEY');
  });
});
