/**
 * npm run bench:stats — the statistics engine against numpy on the same data in the same run:
 *  1. clustered percentile bootstrap, 10,000 rounds over 450,000 verdicts on 450,000 items
 *     (group-count multinomial path vs numpy's multinomial; and the O(K) index path vs numpy's
 *     integers + gather, on fewer rounds);
 *  2. Bradley–Terry maximum likelihood, 50 systems × 1,000,000 verdicts (Newton, ties half);
 *  3. the ranking's clustered bootstrap (2,000 rounds, Bradley–Terry) over the items of a realistic
 *     1,000,000-line judgments file (scripts/bench/realistic-judgments.ts: 125,000 items × 4 pairs
 *     × 2 judges, axes, lengths, items with differing verdict patterns);
 *  4. `tracearena stats` (bin/tracearena.js on the CLI built first, as a user runs it) with default
 *     options on realistic files of 125,000 to 1,000,000 lines (wall time, CPU time — on a shared
 *     machine the wall time is the CPU time over the share of the cores the run got —, max RSS,
 *     and how much the max RSS grows per extra line), and a python peer doing part of the work on
 *     the 1,000,000 lines.
 * Ratios are TypeScript time / numpy time (below 1: faster than numpy).
 *
 *   npm run bench:stats -- [--cli-lines 125000,250000,500000,1000000 | none] [--json FILE]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRanking } from '../../server/reports/ranking.ts';
import { readJudgmentsFiles } from '../../server/reports/read-judgments.ts';
import { fitBradleyTerry } from '../../server/stats/bradley-terry.ts';
import { bootstrapRatioReplicates } from '../../server/stats/bootstrap.ts';
import { addVerdict, emptyTotals } from '../../server/stats/pairwise-totals.ts';
import { percentileInterval } from '../../server/stats/percentile.ts';
import { createRng } from '../../server/stats/rng.ts';
import { reportOptionsSchema } from '../../shared/report.ts';
import { machine, writeJson } from './common.ts';
import { writeRealisticJudgments } from './realistic-judgments.ts';

const { values } = parseArgs({
  options: {
    'cli-lines': { type: 'string', default: '125000,250000,500000,1000000' },
    json: { type: 'string' },
  },
});
const cliLines = values['cli-lines'] === 'none' ? [] : values['cli-lines'].split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'ta-bench-'));
const ITEMS = 450_000;
const ROUNDS = 10_000;
const INDEX_ROUNDS = 500;
const SYSTEMS = 50;
const BT_VERDICTS = 1_000_000;

function write(name: string, arr: Float64Array | Int32Array): void {
  writeFileSync(join(dir, name), new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
}

function time<T>(fn: () => T): { seconds: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

// ------------------------------------------------------------------ data
const gen = createRng(2024);
const sums = new Float64Array(ITEMS);
const counts = new Float64Array(ITEMS).fill(1);
for (let i = 0; i < ITEMS; i++) {
  const u = gen.nextFloat();
  sums[i] = u < 0.08 ? 0.5 : u < 0.08 + 0.92 * 0.86 ? 1 : 0;
}
write('boot_sums.f64', sums);
write('boot_counts.f64', counts);
writeFileSync(join(dir, 'boot_rounds.txt'), String(ROUNDS));
writeFileSync(join(dir, 'boot_index_rounds.txt'), String(INDEX_ROUNDS));

const strengths = Float64Array.from({ length: SYSTEMS }, () => gen.nextFloat() * 3 - 1.5);
strengths[0] = 0;
const btA = new Int32Array(BT_VERDICTS);
const btB = new Int32Array(BT_VERDICTS);
const btS = new Float64Array(BT_VERDICTS);
for (let v = 0; v < BT_VERDICTS; v++) {
  const a = gen.nextInt(SYSTEMS);
  let b = gen.nextInt(SYSTEMS - 1);
  if (b >= a) b++;
  btA[v] = a;
  btB[v] = b;
  const p = 1 / (1 + Math.exp(-((strengths[a] as number) - (strengths[b] as number))));
  btS[v] = gen.nextFloat() < 0.1 ? 0.5 : gen.nextFloat() < p ? 1 : 0;
}
write('bt_a.i32', btA);
write('bt_b.i32', btB);
write('bt_s.f64', btS);
writeFileSync(join(dir, 'bt_systems.txt'), String(SYSTEMS));

const realistic = join(dir, 'realistic-1000000.jsonl');
await writeRealisticJudgments(realistic, 125_000);
const table = await readJudgmentsFiles([realistic]);
const rankingOptions = reportOptionsSchema.parse({});
{
  const pairs = table.pairs.length;
  const rn = new Float64Array(table.items.size * pairs);
  const rw = new Float64Array(table.items.size * pairs);
  for (let i = 0; i < table.length; i++) {
    const cell = (table.item[i] as number) * pairs + (table.pair[i] as number);
    rn[cell]!++;
    rw[cell]! += table.score[i] as number;
  }
  write('rank_n.f64', rn);
  write('rank_w.f64', rw);
  write(
    'rank_pairs.i32',
    Int32Array.from([...table.pairs.map(([a]) => a), ...table.pairs.map(([, b]) => b)]),
  );
  writeFileSync(join(dir, 'rank_systems.txt'), String(table.systems.size));
  writeFileSync(join(dir, 'rank_base.txt'), String(table.systems.get('base')));
  writeFileSync(join(dir, 'rank_rounds.txt'), String(rankingOptions.rounds));
}

// ------------------------------------------------------------------ TypeScript
const bootMulti = time(() => {
  const reps = bootstrapRatioReplicates({ sums, counts }, ROUNDS, createRng(1), 'auto');
  return percentileInterval(reps, 0.95)?.interval;
});
const bootIndex = time(() => {
  const reps = bootstrapRatioReplicates({ sums, counts }, INDEX_ROUNDS, createRng(1), 'index');
  return percentileInterval(reps, 0.95)?.interval;
});
const bt = time(() => {
  const tot = emptyTotals(SYSTEMS);
  for (let v = 0; v < BT_VERDICTS; v++)
    addVerdict(tot, btA[v] as number, btB[v] as number, btS[v] as number);
  return fitBradleyTerry(tot, 0);
});

const ranking = time(() => buildRanking(table, rankingOptions));

// ------------------------------------------------------------------ numpy peer
const peerEnv = { ...process.env };
// Debian's OpenBLAS: the two variables go together; the peer runs with neither.
delete peerEnv.OPENBLAS_CORETYPE;
delete peerEnv.OPENBLAS_L2_SIZE;
const peerOut = execFileSync(
  '/usr/bin/python3',
  [new URL('./stats_peer.py', import.meta.url).pathname, dir],
  { env: peerEnv, encoding: 'utf8', maxBuffer: 1 << 26 },
);
const peer = JSON.parse(peerOut) as {
  boot_multinomial: { seconds: number; ci: [number, number] };
  boot_index: { seconds: number; ci: [number, number] };
  bt: { seconds: number; iterations: number; scores: number[] };
  ranking: { seconds: number; groups: number; ci: Array<[number, number]> };
  stats: { seconds: number; lines: number };
};

const btScores = bt.value.value?.scores ?? new Float64Array(SYSTEMS);
let maxDiff = 0;
for (let s = 0; s < SYSTEMS; s++)
  maxDiff = Math.max(maxDiff, Math.abs((btScores[s] as number) - (peer.bt.scores[s] as number)));

const fmt = (x: number) => `${x.toFixed(3)} s`;
const ci = (c: readonly number[] | undefined) =>
  c ? `[${c.map((v) => v.toFixed(5)).join(', ')}]` : '—';
console.log(`data in ${dir}`);
console.table([
  {
    benchmark: `bootstrap ${ROUNDS} rounds × ${ITEMS} items (multinomial counts)`,
    typescript: fmt(bootMulti.seconds),
    numpy: fmt(peer.boot_multinomial.seconds),
    'ts/numpy': (bootMulti.seconds / peer.boot_multinomial.seconds).toFixed(3),
    'ts CI': ci(bootMulti.value),
    'numpy CI': ci(peer.boot_multinomial.ci),
  },
  {
    benchmark: `bootstrap ${INDEX_ROUNDS} rounds × ${ITEMS} items (index resampling)`,
    typescript: fmt(bootIndex.seconds),
    numpy: fmt(peer.boot_index.seconds),
    'ts/numpy': (bootIndex.seconds / peer.boot_index.seconds).toFixed(3),
    'ts CI': ci(bootIndex.value),
    'numpy CI': ci(peer.boot_index.ci),
  },
  {
    benchmark: `Bradley–Terry ${SYSTEMS} systems × ${BT_VERDICTS} verdicts`,
    typescript: fmt(bt.seconds),
    numpy: fmt(peer.bt.seconds),
    'ts/numpy': (bt.seconds / peer.bt.seconds).toFixed(3),
    'ts CI': `iterations ${bt.value.value?.iterations}`,
    'numpy CI': `iterations ${peer.bt.iterations}, max |Δscore| ${maxDiff.toExponential(1)}`,
  },
  {
    benchmark: `ranking bootstrap ${rankingOptions.rounds} rounds × ${table.items.size} items (realistic file)`,
    typescript: fmt(ranking.seconds),
    numpy: fmt(peer.ranking.seconds),
    'ts/numpy': (ranking.seconds / peer.ranking.seconds).toFixed(3),
    'ts CI': ranking.value.entries
      .filter((e) => e.system !== 'base')
      .map((e) => `${e.system} ${ci(e.ci ?? undefined)}`)
      .join(' '),
    'numpy CI': table.systems.names
      .map((name, s) => [name, peer.ranking.ci[s]] as const)
      .filter(([name]) => name !== 'base')
      .sort(
        ([x], [y]) =>
          ranking.value.entries.findIndex((e) => e.system === x) -
          ranking.value.entries.findIndex((e) => e.system === y),
      )
      .map(([name, c]) => `${name} ${ci(c)}`)
      .join(' '),
  },
]);

// ------------------------------------------------------------------ stats CLI on realistic judgments files
// what a user runs: bin/tracearena.js on the built CLI (built here first, so the run never falls
// back to compiling the sources through tsx, which adds ~1 s of start-up and more CPU)
const root = new URL('../../', import.meta.url).pathname;
if (cliLines.length > 0) {
  const built = spawnSync(process.execPath, ['scripts/build/server.js'], { cwd: root });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr.toString()}`);
}
const cli = join(root, 'bin/tracearena.js');
const rss: Array<[number, number]> = [];
let cliSeconds = 0;
const cliRuns: Array<{ lines: number; seconds: number; cpu: number; rssMb: number }> = [];
for (const lines of cliLines) {
  const path = lines === 1_000_000 ? realistic : join(dir, `realistic-${lines}.jsonl`);
  if (path !== realistic) await writeRealisticJudgments(path, lines / 8);
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %U %S %M',
      process.execPath,
      cli,
      'stats',
      path,
      '--format',
      'json',
      '--out',
      join(dir, 'report.json'),
    ],
    { encoding: 'utf8' },
  );
  const [seconds, user, sys, rssKb] = (run.stderr.trim().split('\n').pop() ?? '')
    .split(' ')
    .map(Number) as [number, number, number, number];
  rss.push([lines, rssKb * 1024]);
  cliSeconds = seconds;
  cliRuns.push({ lines, seconds, cpu: user + sys, rssMb: rssKb / 1024 });
  console.log(
    `stats on ${lines.toLocaleString('en-US')} realistic lines (${(lines / 8).toLocaleString('en-US')} items × 4 pairs × 2 judges, default options): ${seconds.toFixed(1)} s, CPU ${(user + sys).toFixed(1)} s, max RSS ${(rssKb / 1024).toFixed(0)} MB, exit ${run.status}`,
  );
}
// cliSeconds is now the 1,000,000-line run's. The peer parsed the same lines with json.loads and
// computed only the pairs' win rates and the ranking bootstrap: a lower bound of the work.
if (cliLines.includes(1_000_000))
  console.log(
    `python peer (json.loads of the 1,000,000 lines, win rates, ranking bootstrap; no other figures): ${peer.stats.seconds.toFixed(1)} s; stats/peer ${(cliSeconds / peer.stats.seconds).toFixed(2)}`,
  );
if (rss.length > 1) {
  const [first, last] = [rss[0]!, rss.at(-1)!];
  console.log(
    `max RSS grows by ${((last[1] - first[1]) / (last[0] - first[0])).toFixed(0)} bytes per line from ${first[0].toLocaleString('en-US')} to ${last[0].toLocaleString('en-US')} lines (the file: ~200 bytes per line)`,
  );
}
rmSync(dir, { recursive: true, force: true });
writeJson(values.json, {
  bootstrap: {
    rounds: ROUNDS,
    items: ITEMS,
    seconds: bootMulti.seconds,
    peerSeconds: peer.boot_multinomial.seconds,
  },
  bootstrapIndex: {
    rounds: INDEX_ROUNDS,
    items: ITEMS,
    seconds: bootIndex.seconds,
    peerSeconds: peer.boot_index.seconds,
  },
  bradleyTerry: {
    systems: SYSTEMS,
    verdicts: BT_VERDICTS,
    seconds: bt.seconds,
    peerSeconds: peer.bt.seconds,
    maxScoreDiff: maxDiff,
  },
  ranking: { seconds: ranking.seconds, peerSeconds: peer.ranking.seconds },
  statsCli: { runs: cliRuns, peerSeconds: peer.stats.seconds },
  machine: machine(),
});
