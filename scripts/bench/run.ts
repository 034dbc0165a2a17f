/**
 * npm run bench — every benchmark of issue 14's table in one run, each against its peer measured
 * in the same run, at sizes that finish in under 10 minutes on this project's 2-core machine
 * (`--full`: the 450k import and the stats CLI's 125k–1M series). Each bench is its own script
 * (scripts/bench/*.ts, runnable alone as `npm run bench:NAME`), run here as a child process that
 * prints its own table and writes its figures with `--json`; this script gathers them into
 * bench/results.json (schema: scripts/bench/results-schema.ts) and bench/results.md (the table:
 * figure, peer, ratio, goal, met), with the machine's load before and after each bench.
 *
 *   npm run bench -- [--full] [--only judging,dashboard,…] [--out bench]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machine, markdownTable } from './common.ts';
import type { ImportRun } from './import.ts';
import type { JudgingRow } from './judging.ts';
import { benchResultsSchema, type BenchResults, type BenchRow } from './results-schema.ts';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench' },
  },
});
const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, values.out);
const work = join(outDir, '.raw');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const only = values.only?.split(',');
const load = () => loadavg().map((l) => Math.round(l * 10) / 10);

const benches: BenchResults['benches'] = [];

/** Runs scripts/bench/NAME.ts with ARGS and `--json`, its output shown as it goes. */
async function run(name: string, args: string[]): Promise<unknown> {
  if (only && !only.includes(name)) return null;
  const json = join(work, `${name}.json`);
  const loadBefore = load();
  process.stdout.write(`\n## ${name} ${args.join(' ')} (load ${loadBefore.join(' ')})\n\n`);
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/bench', `${name}.ts`), ...args, '--json', json],
    { cwd: root, stdio: 'inherit' },
  );
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  let output: unknown = null;
  try {
    output = JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    process.stdout.write(`${name}: wrote no figures (exit ${exitCode})\n`);
  }
  benches.push({
    name,
    args,
    seconds: (performance.now() - t0) / 1000,
    exitCode,
    loadBefore,
    loadAfter: load(),
    output,
  });
  return output;
}

const startedAt = new Date().toISOString();
const stats = (await run('stats', values.full ? [] : ['--cli-lines', 'none'])) as StatsOut | null;
const llm = (await run('llm', ['--comparisons', '5000'])) as LlmOut | null;
const imports = (await run('import', [
  '--items',
  values.full ? '450000' : '100000',
])) as ImportOut | null;
const judging = (await run('judging', [
  '--judges',
  '50,200',
  '--seconds',
  '10',
  '--servers',
  '2',
])) as JudgingOut | null;
// The dashboard's viewers see verdicts at the rate the judging cycle just reached.
const rate = judging?.rows.find((r) => r.judges === 200 && r.servers === 1)?.cycles;
const dashboard = (await run('dashboard', [
  '--viewers',
  '500',
  '--rate',
  String(Math.max(1, Math.round(rate ?? 100))),
  '--seconds',
  '10',
])) as DashboardOut | null;
const startup = (await run('startup', ['--runs', '3'])) as StartupOut | null;

// ------------------------------------------------------------------ the table
interface StatsOut {
  bootstrap: { rounds: number; items: number; seconds: number; peerSeconds: number };
  bradleyTerry: { systems: number; verdicts: number; seconds: number; peerSeconds: number };
}
interface LlmOut {
  comparisons: number;
  throughput: number;
  ideal: number;
  ratio: number;
  concurrency: number;
  latencyMs: number;
}
interface ImportOut {
  items: number;
  peerSeconds: number;
  runs: ImportRun[];
}
interface JudgingOut {
  rows: JudgingRow[];
}
interface DashboardOut {
  viewers: number;
  rate: number;
  achievedRate: number;
  verdicts: number;
  latencies: { p50: number | null; p99: number | null };
}
interface StartupOut {
  rows: Array<{ what: string; compiled: { wall: number; cpu: number }; goal?: number }>;
}

const rows: BenchRow[] = [];
/** A row of the table; a figure with no peer leaves out peer, peerName and ratio. */
const row = (r: Omit<BenchRow, 'peer' | 'peerName' | 'ratio'> & Partial<BenchRow>) =>
  rows.push({ peer: null, peerName: null, ratio: null, ...r });
const below = (x: number | null | undefined, limit: number) =>
  x === null || x === undefined || Number.isNaN(x) ? null : x < limit;
const atLeast = (x: number | null | undefined, limit: number) =>
  x === null || x === undefined || Number.isNaN(x) ? null : x >= limit;

if (judging) {
  const at = (judges: number, servers: number) =>
    judging.rows.find((r) => r.judges === judges && r.servers === servers);
  const one = at(200, 1);
  const fifty = at(50, 1);
  const two = judging.rows.find((r) => r.servers > 1);
  if (one) {
    row({
      id: 'judging.cycle',
      benchmark: 'judging cycle, 200 simulated judges over HTTP, one server on PostgreSQL',
      figure: one.cycles,
      unit: 'cycles/s',
      peer: one.peer,
      peerName: `pgbench minimal lease + submit, ${one.peerClients} clients`,
      ratio: one.cycles / one.peer,
      goal: '≥ 0.5 of the peer',
      met: atLeast(one.cycles / one.peer, 0.5),
      note: `${one.statements.toFixed(2)} statements, ${one.roundTrips.toFixed(2)} round trips per cycle`,
    });
    row({
      id: 'judging.roundTrips',
      benchmark: 'round trips to PostgreSQL per judging cycle (next + verdict)',
      figure: one.roundTrips,
      unit: 'round trips',
      goal: '≤ 6',
      met: one.roundTrips <= 6,
    });
  }
  if (fifty)
    row({
      id: 'judging.nextP99',
      benchmark: 'p99 of `next` at 50 judges',
      figure: fifty.nextP99,
      unit: 'ms',
      goal: '< 100 ms',
      met: below(fifty.nextP99, 100),
    });
  if (two && one)
    row({
      id: 'judging.twoServers',
      benchmark: `the same, ${two.servers} server processes`,
      figure: two.cycles,
      unit: 'cycles/s',
      peer: one.cycles,
      peerName: 'one server',
      ratio: two.cycles / one.cycles,
      goal: 'reported (CPU split)',
      met: null,
      note: `CPU ms per cycle: servers ${two.cpuMs.toFixed(2)}, judges ${two.driverCpuMs.toFixed(2)}, PostgreSQL ${two.dbCpuMs.toFixed(2)} (one server: ${one.cpuMs.toFixed(2)} / ${one.driverCpuMs.toFixed(2)} / ${one.dbCpuMs.toFixed(2)})`,
    });
}

if (imports) {
  const largest = imports.runs.filter((r) => r.items === imports.items);
  for (const r of largest) {
    row({
      id: `import.${r.backend}.${r.format}`,
      benchmark: `import ${r.items.toLocaleString('en')} items × 2 systems, ${r.format}, ${r.backend}`,
      figure: r.fresh.seconds,
      unit: 's',
      peer: imports.peerSeconds,
      peerName: 'psql \\copy of the same rows (PostgreSQL)',
      ratio: imports.peerSeconds / r.fresh.seconds,
      goal: r.backend === 'postgres' ? '≥ 0.5 of COPY’s speed' : 'reported',
      met: r.backend === 'postgres' ? imports.peerSeconds / r.fresh.seconds >= 0.5 : null,
    });
    row({
      id: `import.${r.backend}.${r.format}.again`,
      benchmark: `re-import of the same file, ${r.format}, ${r.backend}`,
      figure: r.again.seconds,
      unit: 's',
      peer: r.fresh.seconds,
      peerName: 'the fresh import',
      ratio: r.again.seconds / r.fresh.seconds,
      goal: '≤ 1.0× its time',
      met: r.again.seconds / r.fresh.seconds <= 1.0,
    });
  }
  const rss = Math.max(...imports.runs.map((r) => Math.max(r.fresh.rssMb, r.again.rssMb)));
  const quarter = imports.runs.find(
    (r) => r.items < imports.items && r.backend === 'postgres' && r.format === 'jsonl',
  );
  const full = largest.find((r) => r.backend === 'postgres' && r.format === 'jsonl');
  row({
    id: 'import.rss',
    benchmark: 'import peak RSS (every import above)',
    figure: rss,
    unit: 'MB',
    peer: quarter ? quarter.fresh.rssMb : null,
    peerName: quarter ? `the same at ${quarter.items.toLocaleString('en')} items` : null,
    ratio: quarter && full ? full.fresh.rssMb / quarter.fresh.rssMb : null,
    goal: '< 300 MB, flat in file size',
    met: rss < 300,
  });
}

if (dashboard)
  row({
    id: 'dashboard.p99',
    benchmark: `verdict → dashboard update, ${dashboard.viewers} websocket viewers, ${dashboard.achievedRate.toFixed(0)} verdicts/s (${dashboard.rate}/s asked)`,
    figure: dashboard.latencies.p99,
    unit: 'ms (p99)',
    goal: '< 200 ms',
    met: dashboard.verdicts > 0 ? below(dashboard.latencies.p99, 200) : false,
    note: `p50 ${dashboard.latencies.p50?.toFixed(0) ?? '–'} ms`,
  });

if (startup)
  for (const [i, r] of startup.rows.entries())
    if (r.goal !== undefined)
      row({
        id: `startup.${i}`,
        benchmark: r.what,
        figure: r.compiled.wall,
        unit: 's',
        goal: `< ${r.goal} s`,
        met: r.compiled.wall < r.goal,
        note: `${r.compiled.cpu.toFixed(2)} s of CPU`,
      });

if (stats) {
  row({
    id: 'stats.bootstrap',
    benchmark: `clustered bootstrap ${stats.bootstrap.rounds.toLocaleString('en')} × ${stats.bootstrap.items.toLocaleString('en')}`,
    figure: stats.bootstrap.seconds,
    unit: 's',
    peer: stats.bootstrap.peerSeconds,
    peerName: 'numpy',
    ratio: stats.bootstrap.seconds / stats.bootstrap.peerSeconds,
    goal: '≤ 1.0× numpy’s time',
    met: stats.bootstrap.seconds / stats.bootstrap.peerSeconds <= 1,
  });
  row({
    id: 'stats.bradleyTerry',
    benchmark: `Bradley–Terry ${stats.bradleyTerry.systems} × ${stats.bradleyTerry.verdicts.toLocaleString('en')}`,
    figure: stats.bradleyTerry.seconds,
    unit: 's',
    peer: stats.bradleyTerry.peerSeconds,
    peerName: 'numpy/sklearn',
    ratio: stats.bradleyTerry.seconds / stats.bradleyTerry.peerSeconds,
    goal: '≤ 1.0× the peer’s time',
    met: stats.bradleyTerry.seconds / stats.bradleyTerry.peerSeconds <= 1,
  });
}
if (llm)
  row({
    id: 'llm.throughput',
    benchmark: `LLM run, ${llm.comparisons.toLocaleString('en')} comparisons (C = ${llm.concurrency}, L = ${llm.latencyMs} ms)`,
    figure: llm.throughput,
    unit: 'verdicts/s',
    peer: llm.ideal,
    peerName: 'C / L',
    ratio: llm.ratio,
    goal: '≥ 0.95 of C / L',
    met: llm.ratio >= 0.95,
  });

const results: BenchResults = benchResultsSchema.parse({
  version: 1,
  startedAt,
  finishedAt: new Date().toISOString(),
  full: values.full,
  machine: machine(),
  benches,
  rows,
});
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });

const n = (x: number | null, unit = '') =>
  x === null || Number.isNaN(x)
    ? '–'
    : `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}${unit ? ` ${unit}` : ''}`;
const failed = benches.filter((b) => b.exitCode !== 0);
const md = [
  '# TraceArena benchmarks',
  '',
  `One run of \`npm run bench${values.full ? ' -- --full' : ''}\`, ${startedAt} to ${results.finishedAt}, ${results.machine.cores} cores, node ${results.machine.node}. ` +
    'Load average (1 min) before → after each bench: ' +
    benches.map((b) => `${b.name} ${b.loadBefore[0]} → ${b.loadAfter[0]}`).join(', ') +
    '. A load above the core count means the figures were measured on a shared, busy machine.',
  '',
  markdownTable(
    ['benchmark', 'figure', 'peer (same run)', 'ratio', 'goal', 'met'],
    rows.map((r) => [
      r.benchmark + (r.note ? ` (${r.note})` : ''),
      n(r.figure, r.unit),
      r.peer === null ? '–' : `${n(r.peer)} (${r.peerName})`,
      n(r.ratio),
      r.goal,
      r.met === null ? 'reported' : r.met ? 'met' : '**not met**',
    ]),
  ),
  '',
  `Bench durations: ${benches.map((b) => `${b.name} ${b.seconds.toFixed(0)} s`).join(', ')}; total ${benches.reduce((s, b) => s + b.seconds, 0).toFixed(0)} s.`,
  ...(failed.length
    ? ['', `Failed: ${failed.map((b) => `${b.name} (exit ${b.exitCode})`).join(', ')}.`]
    : []),
  '',
];
writeFileSync(join(outDir, 'results.md'), md.join('\n'));
process.stdout.write(`\n${md.join('\n')}`);
process.exitCode = failed.length ? 1 : 0;
