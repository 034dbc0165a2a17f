/**
 * npm run bench:llm — LLM-judge run throughput against the fake provider (a real HTTP server on
 * 127.0.0.1) answering every call after a fixed latency L, with C calls in flight:
 * the ideal throughput is C / L calls per second; the goal is at least 95% of it over a
 * 5,000-comparison run, database work (leases, cache look-ups, verdicts) included.
 *
 *   npm run bench:llm -- [--comparisons 5000] [--latency-ms 200] [--concurrency 32] [--database-url URL]
 *                        [--json FILE]
 *
 * Without --database-url (or DATABASE_URL) it runs on in-memory PGlite.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { createDatabase } from '../../server/db/client.ts';
import { DEFAULTS } from '../../server/llm/config.ts';
import { runJudging } from '../../server/llm/runner.ts';
import { defaultTemplate } from '../../server/llm/template.ts';
import { startFakeLlm } from '../../test/helpers/fake-llm.ts';
import { machine, seedStudy, writeJson } from './common.ts';

const { values } = parseArgs({
  options: {
    comparisons: { type: 'string', default: '5000' },
    'latency-ms': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
    'database-url': { type: 'string' },
    'serve-fake': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

// The fake provider runs in a child process, as a real provider would: its CPU is not ours.
if (values['serve-fake']) {
  const fake = await startFakeLlm({ latencyMs: Number(values['latency-ms']) });
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
  process.on('message', (m) => {
    if (m === 'stats')
      process.send?.({
        count: fake.requests.length,
        first: fake.requests[0]?.at ?? 0,
        last: fake.requests.at(-1)?.at ?? 0,
      });
  });
  // Recorded bodies are not needed here; keep the child small.
  setInterval(() => {
    for (const r of fake.requests) r.raw = r.text = '';
  }, 1000).unref();
  await new Promise<never>(() => undefined);
}

const N = Number(values.comparisons);
const L = Number(values['latency-ms']);
const C = Number(values.concurrency);
// Scripts are entry points: they may read the environment, as the CLI does.
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;

const database = await createDatabase(databaseUrl ? { databaseUrl } : { memory: true });
const db = database.db;
const child = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-fake', '--latency-ms', String(L)],
  {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  },
);
const [line] = (await once(child.stdout!, 'data')) as [Buffer];
const fakeUrl = (JSON.parse(line.toString()) as { url: string }).url;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);

// A study of N items, each with a small PNG and two systems' outputs of realistic length.
const t0 = performance.now();
// A nonce in every question: each bench run pays for its calls instead of hitting an earlier run's cache.
const nonce = Date.now().toString(36);
const trace = (k: number, long: boolean) =>
  `Step ${k}: the image shows a finding. `.repeat(long ? 40 : 12) +
  (long ? 'Therefore the answer follows.' : '');
const studyId = await seedStudy(db, {
  name: `bench-llm-${Date.now()}`,
  items: N,
  judgesPerComparison: 1,
  question: (i) => `Question ${i} (${nonce}): what does the image show?`,
  trace: (i, system) => trace(i, system === 'cand'),
  imageSide: 64,
});
const setupSeconds = (performance.now() - t0) / 1000;

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const r0 = performance.now();
const r0Wall = Date.now();
const cpu0 = process.cpuUsage();
const summary = await runJudging(database, {
  studyId,
  provider: 'openai',
  models: ['gpt-4o-mini'],
  baseUrl: `${fakeUrl}/v1`,
  apiKey: 'bench',
  apiKeyEnv: null,
  concurrency: C,
  rpm: null,
  swap: false,
  maxCostUsd: null,
  template: defaultTemplate(),
  withReference: false,
  temperature: 0,
  maxTokens: DEFAULTS.maxTokens,
  seed: null,
  structured: true,
  prices: {},
  leaseSeconds: DEFAULTS.leaseSeconds,
  timeoutMs: 30_000,
  maxRetries: 2,
  maxErrorAttempts: DEFAULTS.maxErrorAttempts,
  databaseUrl,
});
const runSeconds = (performance.now() - r0) / 1000;
const cpu = process.cpuUsage(cpu0);
loopDelay.disable();
const [lat] = await queryRows<{ mean: number; p95: number }>(
  db,
  sql`select avg(latency_ms)::float8 as mean, percentile_cont(0.95) within group (order by latency_ms) as p95
      from llm_attempts where run_id = ${summary.runId}`,
);
const meanLatency = Number(lat?.mean ?? L);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

child.send('stats');
const [stats] = (await once(child, 'message')) as [{ count: number; first: number; last: number }];
child.kill();
const { first, last } = stats;
const ideal = C / (L / 1000);
const throughput = summary.done / runSeconds;
const steady = stats.count > 1 ? (stats.count - 1) / ((last - first) / 1000) : 0;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

const lines = [
  `backend            ${database.kind}`,
  `comparisons        ${N} (setup ${setupSeconds.toFixed(1)} s, not timed)`,
  `latency L          ${L} ms`,
  `concurrency C      ${C}`,
  `status             ${summary.status}: ${summary.done} verdicts, ${summary.failed} failed, ${summary.calls} calls`,
  `run time           ${runSeconds.toFixed(2)} s (ideal ${(N / ideal).toFixed(2)} s)`,
  `throughput         ${throughput.toFixed(1)} verdicts/s (C/L = ${ideal.toFixed(1)}/s)`,
  `first call after   ${((first - r0Wall) / 1000).toFixed(2)} s (leasing, loading, first batch)`,
  `ratio              ${(throughput / ideal).toFixed(3)} (goal >= 0.95; first to last request alone: ${(steady / ideal).toFixed(3)})`,
  `call latency       mean ${meanLatency.toFixed(0)} ms, p95 ${Number(lat?.p95 ?? 0).toFixed(0)} ms as seen by the runner (L = ${L} ms)`,
  `pipeline           ${(throughput / (C / (meanLatency / 1000))).toFixed(3)} of C / mean call latency (how full the runner keeps the C slots)`,
  `event loop delay   p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms`,
  `cpu                ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s of CPU in ${runSeconds.toFixed(2)} s (this process)`,
  `memory             peak RSS ${mb(peakRss)}, heap used ${mb(process.memoryUsage().heapUsed)} (this process: runner and database client${database.kind === 'pglite' ? ' and PGlite' : ''})`,
];
process.stdout.write(`${lines.join('\n')}\n`);
writeJson(values.json, {
  backend: database.kind,
  comparisons: N,
  latencyMs: L,
  concurrency: C,
  status: summary.status,
  done: summary.done,
  failed: summary.failed,
  runSeconds,
  throughput,
  ideal,
  ratio: throughput / ideal,
  steadyRatio: steady / ideal,
  peakRssMb: peakRss / 1024 / 1024,
  machine: machine(),
});

await database.close();
process.exitCode = summary.status === 'completed' ? 0 : 1;
