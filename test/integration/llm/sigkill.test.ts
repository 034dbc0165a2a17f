import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { repoRoot } from '../../helpers/processes.ts';
import { API_KEY, BASE, CANDIDATE, makeDemoStudy } from './setup.ts';

const ITEMS = 30;
const CONCURRENCY = 4;
/**
 * The most answers a kill can lose (docs/llm-judging.md): the calls in flight (at most
 * --concurrency) plus the answers whose cache row is being written outside their call's slot (at
 * most --concurrency more; a slot waits when that many are).
 */
const LOST_AT_MOST = 2 * CONCURRENCY;

function judge(
  args: string[],
  endpoint: string,
): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  // `node --import tsx`, not `npx tsx`: one process, so the SIGKILL reaches the run itself (the tsx
  // CLI runs the script in a child, which a kill of the launcher leaves running as an orphan).
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'judge', ...args], {
    cwd: repoRoot,
    env: {
      ...env,
      FAKE_LLM_KEY: API_KEY,
      TRACEARENA_LLM_ENDPOINTS: endpoint,
      TRACEARENA_LLM_KEY_ENVS: 'FAKE_LLM_KEY',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of processes whose command line names the study (pgrep exits 1 when there are none). */
function processesOf(study: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `judge --study ${study}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

// A real child process killed with SIGKILL mid-run: PostgreSQL only (PGlite is one process's file).
describe.runIf(backends().includes('postgres'))('an LLM-judge run killed with SIGKILL', () => {
  let tdb: TestDatabase;
  let fake: FakeLlm;

  beforeAll(async () => {
    tdb = await openTestDatabase('postgres');
    fake = await startFakeLlm({ latencyMs: 60 });
  });
  afterAll(async () => {
    await fake.close();
    await tdb.destroy();
  });

  const count = async (query: ReturnType<typeof sql>) =>
    (await queryRows<{ n: number }>(tdb.db, query))[0]?.n ?? 0;

  it('resumes when run again and ends with exactly one verdict per (assignment, order), paying once per stored response', async () => {
    const study = await makeDemoStudy(tdb.db, { items: ITEMS, name: 'sigkill-study' });
    const args = [
      '--study',
      'sigkill-study',
      '--model',
      'gpt-4o-mini',
      '--swap',
      '--base-url',
      fake.openaiBaseUrl,
      '--api-key-env',
      'FAKE_LLM_KEY',
      '--concurrency',
      String(CONCURRENCY),
      '--timeout',
      '5000',
      '--database-url',
      tdb.url!,
    ];
    const verdictsOfStudy = sql`select count(*)::int as n from verdicts v join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}`;

    const first = judge(args, fake.openaiBaseUrl);
    const deadline = Date.now() + 30_000;
    while ((await count(verdictsOfStudy)) < 12) {
      if (Date.now() > deadline) throw new Error(`no progress: ${first.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    await first.exit;
    // The run itself died: its PID is gone and no process of this run is left behind.
    expect(isAlive(first.child.pid!)).toBe(false);
    expect(processesOf('sigkill-study')).toEqual([]);

    const stored = await count(verdictsOfStudy);
    expect(stored).toBeLessThan(2 * ITEMS);
    const leasedAtKill = await count(
      sql`select count(*)::int as n from assignments where study_id = ${study.studyId} and status = 'leased'`,
    );
    expect(leasedAtKill).toBeGreaterThan(0);
    const cachedAtKill = await count(sql`select count(*)::int as n from llm_cache`);
    const requestsBefore = fake.requests.length;
    // The calls whose answers the kill lost: those in flight and those being cached at that moment.
    // (Counted over distinct requests: two equal requests share one cache row.)
    const distinctBefore = new Set(fake.requests.map((r) => r.raw)).size;
    expect(distinctBefore - cachedAtKill).toBeLessThanOrEqual(LOST_AT_MOST);
    expect(cachedAtKill).toBeGreaterThanOrEqual(stored);

    const second = judge(args, fake.openaiBaseUrl);
    expect(await second.exit).toBe(0);
    expect(second.output()).toMatch(/completed \| 60\/60 verdicts \| 0 failed/);
    expect(processesOf('sigkill-study')).toEqual([]);

    const perOrder = await queryRows<{ assignment_id: string; shown_left: string; n: number }>(
      tdb.db,
      sql`select v.assignment_id, v.shown_left, count(*)::int as n from verdicts v
          join assignments a on a.id = v.assignment_id where a.study_id = ${study.studyId}
          group by v.assignment_id, v.shown_left`,
    );
    expect(perOrder).toHaveLength(2 * ITEMS);
    expect(perOrder.every((r) => r.n === 1)).toBe(true);

    // Calls: one per order, plus at most the answers the kill lost.
    expect(fake.requests.length).toBeLessThanOrEqual(2 * ITEMS + LOST_AT_MOST);
    const asked = new Map<string, number>();
    // By the whole request (what the cache is keyed on): demo items may share their text.
    for (const r of fake.requests) asked.set(r.raw, (asked.get(r.raw) ?? 0) + 1);
    expect([...asked.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(LOST_AT_MOST);
    // Nothing cached before the kill was asked again: the second run asked only the other orders.
    expect(fake.requests.length - requestsBefore).toBeLessThanOrEqual(2 * ITEMS - cachedAtKill);

    for (const text of [first.output(), second.output()]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(CANDIDATE);
      expect(text).not.toContain(BASE);
    }
    for (const r of fake.requests) {
      expect(r.raw).not.toContain(CANDIDATE);
      expect(r.raw).not.toContain(BASE);
    }
  });
});
