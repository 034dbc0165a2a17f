/**
 * npm run bench:dashboard — verdict → dashboard update: V websocket viewers of one study's live
 * dashboard (GET /api/studies/:id/live) on one server on PostgreSQL, while judges submit verdicts
 * over HTTP (next + verdict) at a steady rate R. For every verdict and every viewer, the time from
 * the verdict's POST being sent to that viewer receiving the first snapshot whose verdict count
 * includes it (verdicts ranked in the order their POSTs were answered). Goal (issue 14): p99
 * < 200 ms at 500 viewers and the judging cycle's rate.
 *
 *   npm run bench:dashboard -- [--viewers 500] [--rate 100] [--seconds 10] [--items 4000]
 *                              [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--json FILE]
 *
 * The viewers and the judges run in a child process (their clients do not share the server's
 * event loop); both sides stamp times with performance.timeOrigin + performance.now(), one clock
 * on one machine. It creates the database `bench_dashboard` and drops it at the end.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { benchDatabase, machine, percentile, seedStudy, writeJson } from './common.ts';

const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '500' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    items: { type: 'string', default: '4000' },
    judges: { type: 'string', default: '50' },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    json: { type: 'string' },
    drive: { type: 'boolean', default: false },
  },
});

interface DriveOrder {
  url: string;
  studyId: string;
  adminToken: string;
  judgeTokens: string[];
  viewers: number;
  rate: number;
  seconds: number;
}
interface DriveResult {
  verdicts: number;
  errors: number;
  /** Per verdict × viewer, ms from the verdict sent to the viewer's first snapshot showing it. */
  latencies: { p50: number; p90: number; p99: number; max: number; count: number };
  /** Verdicts no viewer saw within the grace period. */
  unseen: number;
  snapshotsPerViewer: number;
  achievedRate: number;
  viewersOpen: number;
}

const now = () => performance.timeOrigin + performance.now();

if (values.drive) {
  const [order] = (await once(process, 'message')) as [DriveOrder];
  const wsBase = order.url.replace(/^http/, 'ws');
  // Each viewer: the [verdict count, time received] of every snapshot.
  const seen: Array<Array<[number, number]>> = [];
  const sockets: WebSocket[] = [];
  for (let start = 0; start < order.viewers; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, order.viewers - start) }, async () => {
        const log: Array<[number, number]> = [];
        seen.push(log);
        const ws = new WebSocket(`${wsBase}/api/studies/${order.studyId}/live`);
        sockets.push(ws);
        const first = new Promise<void>((resolve) => {
          ws.on('message', (data: Buffer) => {
            const t = now();
            const m = JSON.parse(data.toString('utf8')) as {
              type: string;
              snapshot?: { totals: { verdicts: number } };
            };
            if (m.type === 'snapshot') {
              log.push([m.snapshot!.totals.verdicts, t]);
              resolve();
            }
          });
        });
        await once(ws, 'open');
        ws.send(JSON.stringify({ type: 'auth', token: order.adminToken }));
        await first;
      }),
    );
  }
  const base = Math.max(...seen.map((log) => log.at(-1)![0]));
  // The judges: verdict i is sent no earlier than start + i / rate.
  const sent: number[] = [];
  const acked: Array<[number, number]> = []; // [ack time, sent time]
  let errors = 0;
  let issued = 0;
  const t0 = now();
  const end = t0 + order.seconds * 1000;
  const call = (path: string, token: string, body: unknown) =>
    fetch(`${order.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const judge = async (token: string) => {
    for (;;) {
      const due = t0 + (issued * 1000) / order.rate;
      if (due >= end) return;
      issued++;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const next = await call('/api/judge/next', token, {});
      if (next.status !== 200) {
        errors++;
        const text = await next.text();
        if (errors === 1) process.stderr.write(`next: ${next.status} ${text}\n`);
        if (next.status === 204) return;
        continue;
      }
      const { assignment } = (await next.json()) as { assignment: { id: string } };
      const t = now();
      sent.push(t);
      const verdict = await call(`/api/judge/assignments/${assignment.id}/verdict`, token, {
        winner: 'left',
        axes: {},
      });
      await verdict.text();
      if (verdict.status === 200) acked.push([now(), t]);
      else errors++;
    }
  };
  await Promise.all(order.judgeTokens.map(judge));
  const elapsed = (now() - t0) / 1000;
  // Grace for the last snapshots: the hub coalesces events (hub.ts: TICK_MS, MIN_GAP_MS).
  await new Promise((r) => setTimeout(r, 3000));
  acked.sort((a, b) => a[0] - b[0]);
  const latencies: number[] = [];
  let unseen = 0;
  for (const log of seen) {
    let j = 0;
    for (let r = 0; r < acked.length; r++) {
      const rank = base + r + 1;
      while (j < log.length && log[j]![0] < rank) j++;
      if (j === log.length) {
        unseen++;
        continue;
      }
      latencies.push(Math.max(0, log[j]![1] - acked[r]![1]));
    }
  }
  latencies.sort((a, b) => a - b);
  const result: DriveResult = {
    verdicts: acked.length,
    errors,
    latencies: {
      p50: percentile(latencies, 0.5),
      p90: percentile(latencies, 0.9),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
      count: latencies.length,
    },
    unseen,
    snapshotsPerViewer: seen.reduce((n, log) => n + log.length, 0) / Math.max(1, seen.length),
    achievedRate: acked.length / elapsed,
    viewersOpen: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
  };
  for (const ws of sockets) ws.close();
  process.send!(result);
  process.exit(0);
}

const { buildApp } = await import('../../server/app.ts');
const { loadConfig } = await import('../../server/config.ts');
const { createDatabase } = await import('../../server/db/client.ts');
const { createAdminToken, createInvite } = await import('../../server/auth/service.ts');

const DB_NAME = 'bench_dashboard';
const adminUrl = values['admin-url'];
const benchDb = benchDatabase(adminUrl, DB_NAME);
const dbUrl = benchDb.url;
await benchDb.recreate();

const config = loadConfig({
  DATABASE_URL: dbUrl,
  LOG_LEVEL: 'silent',
  TRACEARENA_RATE_LIMIT_PER_TOKEN: '0',
  TRACEARENA_RATE_LIMIT_PER_IP: '0',
});
const database = await createDatabase({ databaseUrl: dbUrl, pool: config.dbPool });
const studyId = await seedStudy(database.db, {
  name: 'bench-dashboard',
  items: Number(values.items),
  judgesPerComparison: 1,
  leaseSeconds: 600,
});
const adminToken = await createAdminToken(database.db);
const judgeTokens: string[] = [];
for (let i = 0; i < Number(values.judges); i++)
  judgeTokens.push((await createInvite(database.db, { studyId, name: `judge-${i}` }))!.token);

const app = await buildApp({ database, config, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const child = fork(fileURLToPath(import.meta.url), ['--drive'], {
  execArgv: ['--import', 'tsx'],
  stdio: 'inherit',
});
const exited = once(child, 'exit');
const cpu0 = process.cpuUsage();
const w0 = performance.now();
child.send({
  url,
  studyId,
  adminToken,
  judgeTokens,
  viewers: Number(values.viewers),
  rate: Number(values.rate),
  seconds: Number(values.seconds),
} satisfies DriveOrder);
const [result] = (await once(child, 'message')) as [DriveResult];
const cpu = process.cpuUsage(cpu0);
const serverCpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - w0);
await exited;
// What one snapshot costs (the hub computes one per study per MIN_GAP_MS at most, hub.ts): the
// floor of the update's latency, and what a shorter gap would cost.
const { getDashboardSnapshot } = await import('../../server/readmodel/dashboard-snapshot.ts');
const snapshotMs: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  await getDashboardSnapshot(database.db, { studyId });
  snapshotMs.push(performance.now() - t);
}
snapshotMs.sort((a, b) => a - b);
const snapshotMedianMs = percentile(snapshotMs, 0.5);
await app.close();
await database.close();
await benchDb.drop();

const f = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : x.toFixed(0));
process.stdout.write(
  [
    `verdict → dashboard update, ${values.viewers} viewers (${result.viewersOpen} open at the end), verdicts at ${values.rate}/s asked, ${result.achievedRate.toFixed(1)}/s done (${result.verdicts} verdicts, ${result.errors} errors), load ${machine().load.join(' ')}`,
    `latency per verdict × viewer: p50 ${f(result.latencies.p50)} ms, p90 ${f(result.latencies.p90)} ms, p99 ${f(result.latencies.p99)} ms, max ${f(result.latencies.max)} ms (${result.latencies.count} pairs, ${result.unseen} unseen); ${result.snapshotsPerViewer.toFixed(1)} snapshots per viewer; server CPU ${(serverCpuShare * 100).toFixed(0)}% of a core; one snapshot ${snapshotMedianMs.toFixed(1)} ms (median of 10, after the run)`,
    `goal: p99 < 200 ms: ${result.verdicts > 0 && result.latencies.p99 < 200 ? 'met' : 'NOT met'}`,
    '',
  ].join('\n'),
);
writeJson(values.json, {
  viewers: Number(values.viewers),
  rate: Number(values.rate),
  seconds: Number(values.seconds),
  serverCpuShare,
  snapshotMedianMs,
  ...result,
  machine: machine(),
});
