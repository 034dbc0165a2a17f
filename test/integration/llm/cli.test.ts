import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, queryRows, type Database } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { runCli } from '../../helpers/processes.ts';
import { API_KEY, makeDemoStudy } from './setup.ts';

/** `tracearena judge` as a real process on a PGlite folder it opens after the test closed it. */
describe('tracearena judge when the run fails', () => {
  let dir: string;
  let fake: FakeLlm;
  let dead: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ta-llm-cli-'));
    fake = await startFakeLlm();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    dead = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    await new Promise((resolve) => server.close(resolve));
    const database = await createDatabase({ dataDir: dir });
    try {
      await makeDemoStudy(database.db, { items: 3, name: 'dead' });
    } finally {
      await database.close();
    }
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const judge = (study: string, baseUrl: string) =>
    runCli(
      [
        'judge',
        '--study',
        study,
        '--model',
        'gpt-4o-mini',
        '--base-url',
        baseUrl,
        '--api-key-env',
        'FAKE_LLM_KEY',
        '--max-retries',
        '0',
        '--data',
        dir,
      ],
      {
        DATABASE_URL: undefined,
        FAKE_LLM_KEY: API_KEY,
        TRACEARENA_LLM_ENDPOINTS: `${baseUrl},${fake.openaiBaseUrl}`,
        TRACEARENA_LLM_KEY_ENVS: 'FAKE_LLM_KEY',
      },
      60_000,
    );

  async function withDb<T>(fn: (database: Database) => Promise<T>): Promise<T> {
    const database = await createDatabase({ dataDir: dir });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  }

  it('exits 1 with the reason when nothing listens at the base URL (was: completed, exit 0)', async () => {
    const res = await judge('dead', dead);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /^run \S+ failed \(3 of 3 orders failed \(error 3\); last: .*Connection error.*\) \| 0\/3 verdicts \| 3 failed \(error 3\)/,
    );
    const runs = await withDb((d) =>
      queryRows<{ status: string; error: string }>(
        d.db,
        sql`select r.status, r.error from llm_runs r join studies s on s.id = r.study_id where s.name = 'dead'`,
      ),
    );
    expect(runs).toEqual([{ status: 'failed', error: expect.stringMatching(/^3 of 3 orders/) }]);
  });
});

/**
 * A provider answering with U+0000 broke a CLI run (issue 13): the attempt could not be stored,
 * the CLI printed a query with hundreds of parameters and hung, the run stayed `running`.
 */
describe.each(backends())('tracearena judge with NUL in the answers on %s', (backend) => {
  let tdb: TestDatabase;
  let fake: FakeLlm;
  let dir: string;
  let target: string[];

  beforeAll(async () => {
    fake = await startFakeLlm();
    if (backend === 'postgres') {
      tdb = await openTestDatabase('postgres');
      await makeDemoStudy(tdb.db, { items: 3, name: 'nul' });
      target = ['--database-url', tdb.url!];
    } else {
      dir = mkdtempSync(join(tmpdir(), 'ta-llm-cli-nul-'));
      const database = await createDatabase({ dataDir: dir });
      await makeDemoStudy(database.db, { items: 3, name: 'nul' }).finally(() => database.close());
      target = ['--data', dir];
    }
  });
  afterAll(async () => {
    await fake.close();
    await tdb?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores every answer, ends the run with its reason in one line, and exits', async () => {
    fake.script(() => ({ kind: 'text', text: 'no verdict \u0000 here \uD800' }));
    const started = Date.now();
    const res = await runCli(
      [
        'judge',
        '--study',
        'nul',
        '--model',
        'gpt-4o-mini',
        '--base-url',
        fake.openaiBaseUrl,
        '--api-key-env',
        'FAKE_LLM_KEY',
        ...target,
      ],
      {
        DATABASE_URL: undefined,
        FAKE_LLM_KEY: API_KEY,
        TRACEARENA_LLM_ENDPOINTS: fake.openaiBaseUrl,
        TRACEARENA_LLM_KEY_ENVS: 'FAKE_LLM_KEY',
      },
      60_000,
    );
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /^run \S+ failed \(3 of 3 orders failed \(parse_failed 3\); last: parse_failed\) \| 0\/3 verdicts/,
    );
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).not.toMatch(/Failed query|params:/);
    const check = async (database: Database) => ({
      runs: await queryRows<{ status: string }>(
        database.db,
        sql`select r.status from llm_runs r join studies s on s.id = r.study_id where s.name = 'nul'`,
      ),
      raws: await queryRows<{ raw: string }>(
        database.db,
        sql`select t.raw from llm_attempts t join llm_runs r on r.id = t.run_id
            join studies s on s.id = r.study_id where s.name = 'nul'`,
      ),
    });
    const stored =
      backend === 'postgres'
        ? await check(tdb)
        : await (async () => {
            const database = await createDatabase({ dataDir: dir });
            return check(database).finally(() => database.close());
          })();
    expect(stored.runs).toEqual([{ status: 'failed' }]);
    expect(stored.raws).toEqual(Array(3).fill({ raw: 'no verdict \\u0000 here \\ud800' }));
  });
});
