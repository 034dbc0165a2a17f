/**
 * npm run bench:startup — how long commands take to start, through the compiled CLI
 * (`bin/tracearena.js` running dist/server/) and through tsx compiling the sources (what every
 * command paid before: `tsx scripts/cli.ts`), in the same run, on PGlite:
 *
 * - `serve` from spawn to the first 200 of /api/health, on a fresh data folder (migrations run)
 *   and on an existing one;
 * - `tracearena --help` (every verb registered);
 * - `invite --count 200` on an imported study, and the old way of inviting 200 judges: one
 *   `invite --name` process each (measured once per run, multiplied by 200).
 *
 * Each figure is the median of --runs (default 3). Goals (issue 14): serve < 2 s, --help < 0.5 s.
 *
 *   npm run bench:startup -- [--runs 3] [--json bench/startup.json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, json: { type: 'string' } },
});
const RUNS = Number(values.runs);
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const env = { ...process.env, DATABASE_URL: undefined };
const work = mkdtempSync(join(tmpdir(), 'ta-bench-startup-'));

/** The two ways of running `tracearena ARGS…`. */
const ways = {
  compiled: (args: string[]) => ['bin/tracearena.js', ...args],
  tsx: (args: string[]) => [tsxCli, 'scripts/cli.ts', ...args],
} as const;
type Way = keyof typeof ways;

// dist/server up to date with the sources, so bin/ runs it (checked on every command below).
const built = spawnSync(process.execPath, ['scripts/build/server.js'], { cwd: root });
if (built.status !== 0) throw new Error(`build failed: ${built.stderr.toString()}`);

/** Runs a command to completion; seconds. */
function timed(way: Way, args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, ways[way](args), { cwd: root, env });
  const seconds = (performance.now() - start) / 1000;
  const stderr = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${way} ${args.join(' ')}: exit ${r.status}: ${stderr}`);
  if (way === 'compiled' && stderr.includes('running them through tsx'))
    throw new Error('dist/server went stale during the run (sources changed): run it again');
  return seconds;
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

/** `serve` from spawn to the first 200 of /api/health; seconds. Stops it afterwards. */
async function serveToHealth(way: Way, data: string): Promise<number> {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, ways[way](['serve', '--data', data, '--port', `${port}`]), {
    cwd: root,
    env,
    stdio: 'ignore',
  });
  const closed = new Promise((r) => child.once('close', r));
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((res) => res.status === 200)
        .catch(() => false);
      if (ok) return (performance.now() - start) / 1000;
      if (child.exitCode !== null) throw new Error(`${way} serve exited with ${child.exitCode}`);
      if (performance.now() - start > 60_000) throw new Error(`${way} serve: no health in 60 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(run: (way: Way, i: number) => Promise<number> | number) {
  const out = { compiled: [] as number[], tsx: [] as number[] };
  // interleaved, so a change in the machine's load falls on both
  for (let i = 0; i < RUNS; i++)
    for (const way of ['compiled', 'tsx'] as const) out[way].push(await run(way, i));
  return { compiled: median(out.compiled), tsx: median(out.tsx) };
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

const rows: Array<{ what: string; compiled: number; tsx: number; goal?: number }> = [];
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
      200 *
      timed(way, ['invite', '--study', 'bench', '--name', `one-${named++}`, '--data', studyFolder]),
  )),
});
rmSync(work, { recursive: true, force: true });

const s = (x: number) => `${x.toFixed(2)} s`;
const lines = [
  `start-up on PGlite, median of ${RUNS} (node ${process.version})`,
  '',
  '| command | compiled | tsx | tsx / compiled | goal |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.what} | ${s(r.compiled)} | ${s(r.tsx)} | ${(r.tsx / r.compiled).toFixed(1)}× | ${
        r.goal === undefined ? '–' : `< ${r.goal} s: ${r.compiled < r.goal ? 'met' : 'NOT met'}`
      } |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) {
  mkdirSync(dirname(values.json), { recursive: true });
  writeFileSync(
    values.json,
    `${JSON.stringify({ runs: RUNS, node: process.version, rows }, null, 2)}\n`,
  );
}
