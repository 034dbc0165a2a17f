import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../../shared/report.ts';
import { repoRoot } from '../../helpers/processes.ts';

const LINES = 400_000;
/** V8 old-space limit for the child, in MB: well under the file's size. */
const HEAP_MB = 48;

/** Judgments as a study produces them: 2 verdicts per item, 5 judges, both kinds, axes, lengths. */
async function writeJudgments(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  const judges = ['dr-lee', 'dr-kim', 'dr-roy', 'gpt-judge', 'claude-judge'];
  let seed = 12345;
  for (let i = 0; i < lines; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const u = seed / 2 ** 32;
    const winner = u < 0.1 ? 'tie' : u < 0.85 ? 'a' : 'b';
    const line = `{"item":"q-${i >> 1}","a":"sft","b":"base","winner":"${winner}","judge":"${judges[i % 5]}","judge_kind":"${i % 5 >= 3 ? 'llm' : 'human'}","shown_left":"${i % 2 ? 'a' : 'b'}","axes":{"perception":"a","rationale":"${u < 0.5 ? 'a' : 'b'}"},"modality":"${i % 3 ? 'radiology' : 'pathology'}","len_a":${300 + (i % 700)},"len_b":${280 + (i % 500)}}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
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
        '--rounds',
        '200',
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
    expect(report.input).toMatchObject({ verdicts: LINES, items: LINES / 2, judges: 5 });
    expect(report.pairs[0]).toMatchObject({ a: 'sft', b: 'base', n: LINES, items: LINES / 2 });
  }, 120_000);
});
