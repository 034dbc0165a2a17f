import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRealisticJudgments } from '../../../scripts/bench/realistic-judgments.ts';
import { reportSchema } from '../../../shared/report.ts';
import { repoRoot } from '../../helpers/processes.ts';

const LINES = 400_000;
/** V8 old-space limit for the child, in MB: well under the file's size. */
const HEAP_MB = 48;

/**
 * Judgments as a study produces them (scripts/bench/realistic-judgments.ts): 8 lines per item
 * (4 pairs × 2 of 6 judges), both kinds, axes, lengths, and items with differing verdict patterns.
 */
async function writeJudgments(path: string, lines: number): Promise<void> {
  await writeRealisticJudgments(path, lines / 8);
}

describe('tracearena stats on a large judgments file', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ta-stats-memory-'));
    file = join(dir, 'judgments.jsonl');
    await writeJudgments(file, LINES);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps the JavaScript heap flat: 8× the lines leave the same heap after reading and reporting', async () => {
    const small = join(dir, 'small.jsonl');
    await writeJudgments(small, LINES / 8);
    const probe = async (path: string) => {
      const child = spawn(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', 'test/integration/reports/heap-probe.ts', path],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      expect(code).toBe(0);
      return JSON.parse(stdout) as { verdicts: number; heapUsed: number; arrayBuffers: number };
    };
    const [a, b] = [await probe(small), await probe(file)];
    expect([a.verdicts, b.verdicts]).toEqual([LINES / 8, LINES]);
    const extra = b.verdicts - a.verdicts;
    const perVerdict = {
      heap: (b.heapUsed - a.heapUsed) / extra,
      offHeap: (b.arrayBuffers - a.arrayBuffers) / extra,
    };
    console.log('bytes per extra verdict', perVerdict);
    // heap: no per-verdict or per-item object (a Map of item names alone would add ~30 bytes per item)
    expect(perVerdict.heap).toBeLessThan(4);
    // off the heap: the typed-array columns and the item index, under 100 bytes per verdict
    expect(perVerdict.offHeap).toBeLessThan(100);
  }, 120_000);

  it(`streams it: ${LINES.toLocaleString('en-US')} lines (~80 MB) under a ${HEAP_MB} MB JavaScript heap`, async () => {
    const size = (await stat(file)).size;
    // The heap limit is well under the file's size: a reader that kept the lines, or an object
    // per verdict (a parsed record, a string key per item in a Map), would run out of heap. What
    // does grow with the file are the typed-array columns (~60 bytes per verdict, outside the heap).
    expect(size).toBeGreaterThan(1.5 * HEAP_MB * 2 ** 20);
    const out = join(dir, 'report.json');
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_MB}`,
        '--import',
        'tsx',
        'scripts/cli.ts',
        'stats',
        file,
        '--format',
        'json',
        '--out',
        out,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).not.toMatch(/heap out of memory/);
    expect(code).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(report.input).toMatchObject({ verdicts: LINES, items: LINES / 8, judges: 6 });
    expect(report.pairs[0]).toMatchObject({ a: 'sft', b: 'base', n: LINES / 4, items: LINES / 8 });
    // default options: the ranking's 2,000-round bootstrap, every interval finite but the base's
    expect(report.rankingInfo).toMatchObject({ rounds: 2000, failedRounds: 0 });
    expect(
      report.ranking.every((e) => (e.system === report.rankingInfo.base) === (e.ci === null)),
    ).toBe(true);
  }, 120_000);
});
