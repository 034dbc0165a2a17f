/**
 * npm run bench:startup — how long commands take to start, through the compiled CLI
 * (dist/server/, which bin/tracearena.js runs) and through tsx compiling the sources (what every
 * command paid before: `tsx scripts/cli.ts`), in the same run, on PGlite:
 *
 * - `serve` from spawn to the first 200 of /api/health, on a fresh data folder (migrations run)
 *   and on an existing one;
 * - `tracearena --help` (every verb registered);
 * - `invite --count 200` on an imported study, and the old way of inviting 200 judges: one
 *   `invite --name` process each (measured once per run, multiplied by 200).
 *
 * Each figure is the median of --runs (default 3), wall and CPU seconds (the CPU of every node
 * process of the command). Goals (issue 14): serve < 2 s, --help < 0.5 s, in wall time.
 *
 *   npm run bench:startup -- [--runs 3] [--json bench/startup.json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeJson } from './common.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, json: { type: 'string' } },
});
const RUNS = Number(values.runs);
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const work = mkdtempSync(join(tmpdir(), 'ta-bench-startup-'));

/**
 * CPU time as well as wall time: on a shared machine the wall time moves with the load, the CPU a
 * command spends much less. Every node process of a command (tsx's launcher and its child alike)
 * appends its CPU seconds to a file on exit.
 */
const cpuFile = join(work, 'cpu.txt');
const preload = join(work, 'cpu-on-exit.mjs');
writeFileSync(
  preload,
  `import { appendFileSync } from 'node:fs';
process.on('exit', () => {
  const u = process.cpuUsage();
  appendFileSync(${JSON.stringify(cpuFile)}, (u.user + u.system) / 1e6 + '\\n');
});
`,
);
const env = {
  ...process.env,
  DATABASE_URL: undefined,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(preload).href}`,
};
/** The CPU seconds the processes that exited since the last call spent. */
function cpuSpent(): number {
  const text = (() => {
    try {
      return readFileSync(cpuFile, 'utf8');
    } catch {
      return '';
    }
  })();
  writeFileSync(cpuFile, '');
  return text
    .split('\n')
    .filter(Boolean)
    .reduce((sum, line) => sum + Number(line), 0);
}
interface Sample {
  wall: number;
  cpu: number;
}

/**
 * The two ways of running `tracearena ARGS…`. The compiled one is dist/server/cli.js itself, built
 * below: bin/tracearena.js runs it after a freshness check of ~10 ms (a walk of the sources' mtimes),
 * which in a tree being edited would send a run to tsx halfway.
 */
const ways = {
  compiled: (args: string[]) => ['dist/server/cli.js', ...args],
  tsx: (args: string[]) => [tsxCli, 'scripts/cli.ts', ...args],
} as const;
type Way = keyof typeof ways;

const built = spawnSync(process.execPath, ['scripts/build/server.js'], {
  cwd: root,
  env: { ...process.env },
});
if (built.status !== 0) throw new Error(`build failed: ${built.stderr.toString()}`);

/** Runs a command to completion. */
function timed(way: Way, args: string[]): Sample {
  cpuSpent();
  const start = performance.now();
  const r = spawnSync(process.execPath, ways[way](args), { cwd: root, env });
  const wall = (performance.now() - start) / 1000;
  if (r.status !== 0)
    throw new Error(`${way} ${args.join(' ')}: exit ${r.status}: ${r.stderr.toString()}`);
  return { wall, cpu: cpuSpent() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

/**
 * `serve` from spawn to the first 200 of /api/health. Stopped at once with SIGTERM: its CPU is
 * the whole run's, the close included.
 */
async function serveToHealth(way: Way, data: string): Promise<Sample> {
  const port = await freePort();
  cpuSpent();
  const start = performance.now();
  const child = spawn(process.execPath, ways[way](['serve', '--data', data, '--port', `${port}`]), {
    cwd: root,
    env,
    stdio: 'ignore',
  });
  const closed = new Promise((r) => child.once('close', r));
  let wall = 0;
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((res) => res.status === 200)
        .catch(() => false);
      if (ok) break;
      if (child.exitCode !== null) throw new Error(`${way} serve exited with ${child.exitCode}`);
      if (performance.now() - start > 60_000) throw new Error(`${way} serve: no health in 60 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    wall = (performance.now() - start) / 1000;
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
  return { wall, cpu: cpuSpent() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(run: (way: Way) => Promise<Sample> | Sample, times = 1) {
  const out = { compiled: [] as Sample[], tsx: [] as Sample[] };
  // interleaved, so a change in the machine's load falls on both
  for (let i = 0; i < RUNS; i++)
    for (const way of ['compiled', 'tsx'] as const) out[way].push(await run(way));
  const pick = (xs: Sample[]) => ({
    wall: times * median(xs.map((x) => x.wall)),
    cpu: times * median(xs.map((x) => x.cpu)),
  });
  return { compiled: pick(out.compiled), tsx: pick(out.tsx) };
}

let folder = 0;
const newFolder = () => join(work, `data-${folder++}`);

const items = join(work, 'items.jsonl');
const outputs = { base: { trace: 't', answer: 'a' }, sft: { trace: 'u', answer: 'b' } };
writeFileSync(items, `${JSON.stringify({ id: 'q1', question: 'Q?', outputs })}\n`);
const studyFolder = newFolder();
timed('compiled', ['import', items, '--study', 'bench', '--data', studyFolder]);
const existing = newFolder();
await serveToHealth('compiled', existing);

const rows: Array<{ what: string; compiled: Sample; tsx: Sample; goal?: number }> = [];
rows.push({
  what: '`serve` cold to health 200, fresh PGlite folder',
  ...(await measure((way) => serveToHealth(way, newFolder()))),
  goal: 2,
});
rows.push({
  what: '`serve` cold to health 200, existing PGlite folder',
  ...(await measure((way) => serveToHealth(way, existing))),
  goal: 2,
});
rows.push({
  what: '`tracearena --help`',
  ...(await measure((way) => timed(way, ['--help']))),
  goal: 0.5,
});
rows.push({
  what: '`invite --count 200`',
  ...(await measure((way) =>
    timed(way, ['invite', '--study', 'bench', '--count', '200', '--data', studyFolder]),
  )),
});
let named = 0;
rows.push({
  what: '200 × `invite --name` (one process each; one measured, × 200)',
  ...(await measure(
    (way) =>
      timed(way, ['invite', '--study', 'bench', '--name', `one-${named++}`, '--data', studyFolder]),
    200,
  )),
});
rmSync(work, { recursive: true, force: true });

const s = (x: number) => `${x.toFixed(2)} s`;
const lines = [
  `start-up on PGlite, median of ${RUNS} (node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')})`,
  '',
  '| command | compiled | tsx | tsx / compiled | CPU compiled | CPU tsx | goal (wall, compiled) |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.what} | ${s(r.compiled.wall)} | ${s(r.tsx.wall)} | ${(r.tsx.wall / r.compiled.wall).toFixed(1)}× | ${s(r.compiled.cpu)} | ${s(r.tsx.cpu)} | ${
        r.goal === undefined
          ? '–'
          : `< ${r.goal} s: ${r.compiled.wall < r.goal ? 'met' : 'NOT met'}`
      } |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeJson(values.json, { runs: RUNS, node: process.version, rows });
