import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, queryRows, type Database } from '../../../server/db/client.ts';
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
      await makeDemoStudy(database.db, { items: 3, name: 'nul' });
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
