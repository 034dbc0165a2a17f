import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { runJudging } from '../../../server/llm/runner.ts';
import { unescapeStoredText } from '../../../server/llm/stored-text.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type Behaviour, type FakeLlm } from '../../helpers/fake-llm.ts';
import { makeDemoStudy, testRunOptions } from './setup.ts';

const REASONING = 'Response A\u0000 reads the film better \uD800 (lone) and \\u0000 (literal)';
const PROSE = 'no verdict here \u0000\uDFFF';
const ERROR_BODY = JSON.stringify({ error: { message: 'bad\u0000request', type: 'x' } });

/**
 * Provider text holding U+0000 and lone surrogates (issue 13, point 2): it broke a whole run
 * (storing the attempt failed, marking the run failed failed too, the run stayed `running`).
 */
describe.each(backends())('provider text with NUL on %s', (backend) => {
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

  /** Answers the i-th distinct prompt with `behaviours[i]`, the same one each time it is asked. */
  function byPrompt(behaviours: Behaviour[]) {
    const index = new Map<string, number>();
    fake.script((r) => {
      if (!index.has(r.text)) index.set(r.text, index.size);
      return behaviours[index.get(r.text)! % behaviours.length]!;
    });
  }

  const runRow = (runId: string) =>
    queryRows<{ status: string; error: string | null }>(
      tdb.db,
      sql`select status, error from llm_runs where id = ${runId}`,
    );

  it('stores the raw text, the reasoning, the error and the cached answer escaped and reversible', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 4 });
    byPrompt([
      { kind: 'verdict', winner: 'A', reasoning: REASONING },
      { kind: 'text', text: PROSE },
      { kind: 'status', status: 400, body: ERROR_BODY },
      { kind: 'verdict' },
    ]);
    const options = testRunOptions(study.studyId, fake.openaiBaseUrl, {
      models: ['nul-model'],
      concurrency: 1,
    });
    const summary = await runJudging(tdb, options);
    expect(summary).toMatchObject({ status: 'completed', total: 4, done: 2, failed: 2 });
    expect(summary.failedByReason).toEqual({ parse_failed: 1, error: 1 });

    const attempts = await queryRows<{ outcome: string; raw: string | null; error: string | null }>(
      tdb.db,
      sql`select outcome, raw, error from llm_attempts where run_id = ${summary.runId}`,
    );
    expect(attempts).toHaveLength(4);
    const raws = attempts.map((a) => a.raw && unescapeStoredText(a.raw));
    expect(raws).toContain(PROSE);
    // The structured answer is JSON text: its reasoning reads back exactly.
    const reasonings = raws.map((r) => {
      try {
        return (JSON.parse(r ?? '') as { reasoning?: string }).reasoning;
      } catch {
        return undefined;
      }
    });
    expect(reasonings).toContain(REASONING);
    const error = attempts.find((a) => a.outcome === 'error')!.error!;
    expect(unescapeStoredText(error)).toContain('bad\u0000request');
    const [note] = await queryRows<{ note: string }>(
      tdb.db,
      sql`select v.note from verdicts v join assignments a on a.id = v.assignment_id
          where a.run_id = ${summary.runId} and v.note like '%lone%'`,
    );
    expect(unescapeStoredText(note!.note)).toBe(REASONING);

    // The same items in another study: the NUL answer comes from the cache, read back exactly.
    const twin = await makeDemoStudy(tdb.db, { items: 4 });
    const calls = fake.requests.length;
    fake.script(() => ({ kind: 'status', status: 500 }));
    const again = await runJudging(tdb, { ...options, studyId: twin.studyId, maxRetries: 0 });
    expect(again).toMatchObject({ status: 'completed', done: 2, cached: 2 });
    const [cachedNote] = await queryRows<{ note: string }>(
      tdb.db,
      sql`select v.note from verdicts v join llm_attempts t on t.assignment_id = v.assignment_id and t.shown_left = v.shown_left
          where t.run_id = ${again.runId} and t.cached and v.note like '%lone%'`,
    );
    expect(unescapeStoredText(cachedNote!.note)).toBe(REASONING);
    expect(fake.requests.length).toBeGreaterThan(calls);
  });

  it('records an answer the database refuses as a failed attempt with the reason, and finishes the run', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    // Fault injection: the database refuses any attempt whose raw text holds 'poison'.
    await tdb.db.execute(
      sql.raw(`
      create or replace function ta_test_poison() returns trigger language plpgsql as $$
      begin
        if new.raw like '%poison%' then raise exception 'poisoned attempt refused'; end if;
        return new;
      end $$`),
    );
    await tdb.db.execute(
      sql.raw(`create trigger ta_test_poison before insert on llm_attempts
        for each row execute function ta_test_poison()`),
    );
    try {
      byPrompt([{ kind: 'text', text: 'poison' }, { kind: 'verdict' }, { kind: 'verdict' }]);
      const summary = await runJudging(
        tdb,
        testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['poison-model'] }),
      );
      expect(summary).toMatchObject({ status: 'completed', done: 2, failed: 1 });
      // The poisoned order has its attempt, with why its answer is not there.
      const rows = await queryRows<{ outcome: string; raw: string | null; error: string | null }>(
        tdb.db,
        sql`select outcome, raw, error from llm_attempts where run_id = ${summary.runId} and outcome <> 'ok'`,
      );
      expect(rows).toEqual([
        {
          outcome: 'error',
          raw: null,
          error: 'the answer could not be stored: poisoned attempt refused',
        },
      ]);
    } finally {
      await tdb.db.execute(sql.raw(`drop trigger ta_test_poison on llm_attempts`));
    }
  });

  it('marks the run failed, with the reason, when finishing it fails', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 2 });
    await tdb.db.execute(
      sql.raw(`
      create or replace function ta_test_no_complete() returns trigger language plpgsql as $$
      begin
        if new.status = 'completed' then raise exception 'cannot complete: %', E'nul\\x01here'; end if;
        return new;
      end $$`),
    );
    await tdb.db.execute(
      sql.raw(`create trigger ta_test_no_complete before update on llm_runs
        for each row execute function ta_test_no_complete()`),
    );
    let runId: string | undefined;
    try {
      const run = runJudging(
        tdb,
        testRunOptions(study.studyId, fake.openaiBaseUrl, { models: ['no-complete-model'] }),
        { onStart: (r) => (runId = r.id) },
      );
      const err = await run.then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/^llm run \S+ failed: cannot complete: nul here$/);
      expect(await runRow(runId!)).toEqual([
        { status: 'failed', error: 'cannot complete: nul here' },
      ]);
    } finally {
      await tdb.db.execute(sql.raw(`drop trigger ta_test_no_complete on llm_runs`));
    }
  });
});
