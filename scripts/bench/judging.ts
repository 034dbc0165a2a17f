/**
 * npm run bench:judging — the human judging cycle (`POST /api/judge/next` + the verdict) over HTTP
 * on loopback against one server (buildApp) on PostgreSQL, with N simulated judges each looping
 * next → verdict, and in the same run its peer: pgbench doing the minimal lease + submit (one
 * `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, one insert) on the same
 * database with as many connections as the server's pool. Prints cycles/s, p50/p99 of `next`,
 * database round trips and statements per cycle (counted by wrapping pg's Client.query: each call
 * is one round trip), the server's CPU per cycle, the peer's cycles/s and the ratio.
 *
 *   npm run bench:judging -- [--judges 50,200] [--seconds 10] [--items 12000] [--k 2]
 *                            [--pool N] [--servers 2] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
 *                            [--json FILE]
 *
 * After a row per judge count on one server, one more row at the largest count with `--servers`
 * server processes on the same database (1: none), judges spread over them; on 2 cores it shows
 * where the CPU goes rather than a gain.
 *
 * The CPU split over the window: the server process, the judges' process, and the PostgreSQL
 * backends of the server's connections (from /proc, so Linux only), in ms per cycle.
 *
 * It creates the database `bench_judging` and drops it at the end. The judges run in a child
 * process so that their HTTP clients do not share the server's event loop.
 */
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  benchDatabase,
  machine,
  markdownTable,
  percentile,
  seedStudy,
  writeJson,
} from './common.ts';

const { values } = parseArgs({
  options: {
    judges: { type: 'string', default: '50,200' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    items: { type: 'string', default: '12000' },
    k: { type: 'string', default: '2' },
    pool: { type: 'string' },
    servers: { type: 'string', default: '2' },
    serve: { type: 'boolean', default: false },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    drive: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

/** What the driver child is asked to do, and what it answers. */
interface DriveOrder {
  /** The servers; judge i calls urls[i % urls.length]. */
  urls: string[];
  tokens: string[];
  warmupMs: number;
  seconds: number;
}
interface DriveResult {
  cycles: number;
  /** The judges' own CPU over the window, ms. */
  cpuMs: number;
  nextMs: number[];
  errors: number;
  exhausted: boolean;
}

if (values.drive) {
  // The driver: every judge loops next → verdict; the window opens after the warm-up.
  const [order] = (await once(process, 'message')) as [DriveOrder];
  const result: DriveResult = { cycles: 0, cpuMs: 0, nextMs: [], errors: 0, exhausted: false };
  let measuring = false;
  let stopped = false;
  const call = (base: string, path: string, token: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const judge = async (token: string, i: number) => {
    const base = order.urls[i % order.urls.length]!;
    while (!stopped) {
      const t = performance.now();
      const next = await call(base, '/api/judge/next', token, {});
      const ms = performance.now() - t;
      if (next.status === 204) return void (result.exhausted = true);
      if (next.status !== 200) {
        result.errors++;
        await next.text();
        continue;
      }
      const { assignment } = (await next.json()) as { assignment: { id: string } };
      const verdict = await call(base, `/api/judge/assignments/${assignment.id}/verdict`, token, {
        winner: 'left',
        axes: {},
      });
      await verdict.text();
      if (verdict.status !== 200) result.errors++;
      else if (measuring && !stopped) {
        result.cycles++;
        result.nextMs.push(ms);
      }
    }
  };
  const loops = order.tokens.map(judge);
  await new Promise((r) => setTimeout(r, order.warmupMs));
  measuring = true;
  process.send!('start');
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, order.seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  stopped = true;
  process.send!('stop');
  await Promise.all(loops);
  process.send!(result);
  process.exit(0);
}

// The server side. Counting wrapper first: every Client.query is one round trip to PostgreSQL.
const counts = { roundTrips: 0, statements: 0 };
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string } | undefined;
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  counts.roundTrips++;
  if (!/^\s*(begin|commit|rollback)\b/i.test(text)) counts.statements++;
  return originalQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

const { sql } = await import('drizzle-orm');
const { buildApp } = await import('../../server/app.ts');
const { loadConfig } = await import('../../server/config.ts');
const { createDatabase } = await import('../../server/db/client.ts');
const { createInvite } = await import('../../server/auth/service.ts');

const DB_NAME = 'bench_judging';
const adminUrl = values['admin-url'];
const benchDb = benchDatabase(adminUrl, DB_NAME);
const dbUrl = benchDb.url;
const judgeCounts = values.judges.split(',').map(Number);
const serverCount = Number(values.servers);
const seconds = Number(values.seconds);
const warmupMs = Number(values.warmup) * 1000;
const itemCount = Number(values.items);
const k = Number(values.k);

const config = loadConfig({
  DATABASE_URL: dbUrl,
  LOG_LEVEL: 'silent',
  TRACEARENA_RATE_LIMIT_PER_TOKEN: '0',
  TRACEARENA_RATE_LIMIT_PER_IP: '0',
  ...(values.pool ? { TRACEARENA_DB_POOL: values.pool } : {}),
});

/** The window's figures of a server process: its round trips, statements and CPU. */
interface ServerWindow {
  roundTrips: number;
  statements: number;
  cpuMs: number;
}

if (values.serve) {
  // A further server process on the bench database: reports its window when asked.
  const app = await buildApp({ config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.send!({
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
  });
  let c0 = { ...counts };
  let cpu0 = process.cpuUsage();
  process.on('message', (m: unknown) => {
    if (m === 'start') {
      c0 = { ...counts };
      cpu0 = process.cpuUsage();
    } else if (m === 'stop') {
      const cpu = process.cpuUsage(cpu0);
      process.send!({
        roundTrips: counts.roundTrips - c0.roundTrips,
        statements: counts.statements - c0.statements,
        cpuMs: (cpu.user + cpu.system) / 1000,
      } satisfies ServerWindow);
    } else if (m === 'exit') void app.close().then(() => process.exit(0));
  });
  await new Promise<never>(() => undefined);
}

await benchDb.recreate();

const database = await createDatabase({ databaseUrl: dbUrl, pool: config.dbPool });
const db = database.db;

// A study of `items` items, each with a small image and two systems' outputs of realistic length.
const t0 = performance.now();
const studyId = await seedStudy(db, {
  name: 'bench-judging',
  items: itemCount,
  judgesPerComparison: k,
  leaseSeconds: 600,
});
await db.execute(sql`vacuum analyze`);
const setupSeconds = (performance.now() - t0) / 1000;

const app = await buildApp({ database, config, logger: false });
// The server's own time for `next`, from the request to the response sent, beside the judges' view.
const serverNextMs: number[] = [];
let timing = false;
const started = new WeakMap<object, number>();
app.addHook('onRequest', async (request) => {
  if (timing && request.url === '/api/judge/next') started.set(request, performance.now());
});
app.addHook('onResponse', async (request) => {
  const t = started.get(request);
  if (t !== undefined) serverNextMs.push(performance.now() - t);
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const poolSize = config.dbPool;

/** One row of the table (scripts/bench/run.ts reads them from `--json`). */
export interface JudgingRow {
  judges: number;
  servers: number;
  cycles: number;
  nextP50: number;
  nextP99: number;
  roundTrips: number;
  statements: number;
  cpuMs: number;
  driverCpuMs: number;
  dbCpuMs: number;
  serverNextP99: number;
  errors: number;
  exhausted: boolean;
  peerClients: number;
  peer: number;
}
/** CPU seconds so far of the PostgreSQL backends serving the bench database (the server's pool). */
async function backendCpuMs(): Promise<number> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [DB_NAME],
    );
    let ticks = 0;
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      } catch {
        // the backend ended meanwhile
      }
    }
    return (ticks * 1000) / 100; // USER_HZ
  } finally {
    await c.end();
  }
}

const rows: JudgingRow[] = [];
let judgeSerial = 0;
const workDir = mkdtempSync(join(tmpdir(), 'bench-judging-'));

/** The peer: pgbench's minimal lease + submit, prepared, at `clients` connections, in cycles/s. */
async function pgbenchPeer(clients: number): Promise<number> {
  const script = join(workDir, 'cycle.sql');
  writeFileSync(
    script,
    [
      `UPDATE bench_slots SET status = 'leased', judge = :client_id, leased_at = now() WHERE id = (SELECT id FROM bench_slots WHERE status = 'open' ORDER BY pos LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id AS slot \\gset`,
      `INSERT INTO bench_verdicts (slot_id, judge, winner) VALUES (:slot, :client_id, 'a');`,
      '',
    ].join('\n'),
  );
  await db.execute(sql`drop table if exists bench_verdicts, bench_slots`);
  await db.execute(sql`create table bench_slots (id bigint primary key, pos bigint not null,
    status text not null default 'open', judge int, leased_at timestamptz)`);
  await db.execute(
    sql`insert into bench_slots (id, pos) select g, (g::bigint * 7919) % 1000003 from generate_series(1, 400000) g`,
  );
  await db.execute(sql`create index on bench_slots (pos) where status = 'open'`);
  await db.execute(sql`create table bench_verdicts (id bigserial primary key, slot_id bigint not null unique,
    judge int not null, winner text not null, created_at timestamptz not null default now())`);
  await db.execute(sql`vacuum analyze bench_slots`);
  const u = new URL(dbUrl);
  const { stdout } = await promisify(execFile)('pgbench', [
    '-n',
    '-M',
    'prepared',
    '-f',
    script,
    '-c',
    String(clients),
    '-j',
    '2',
    '-T',
    String(seconds),
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
    DB_NAME,
  ]);
  const tps = /tps = ([\d.]+)/.exec(stdout);
  if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return Number(tps[1]);
}

const phases = judgeCounts.map((n) => ({ n, servers: 1 }));
if (serverCount > 1) phases.push({ n: Math.max(...judgeCounts), servers: serverCount });

for (const { n, servers } of phases) {
  const others = await Promise.all(
    Array.from({ length: servers - 1 }, async () => {
      const child = fork(fileURLToPath(import.meta.url), ['--serve', ...process.argv.slice(2)], {
        execArgv: ['--import', 'tsx'],
        stdio: 'inherit',
      });
      // Listened for now: an event that fires before anyone awaits it is lost.
      const exited = once(child, 'exit');
      const [{ url: childUrl }] = (await once(child, 'message')) as [{ url: string }];
      return { child, url: childUrl, exited };
    }),
  );
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const created = await createInvite(db, { studyId, name: `judge-${judgeSerial++}` });
    tokens.push(created!.token);
  }
  const child = fork(fileURLToPath(import.meta.url), ['--drive'], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const driverExited = once(child, 'exit');
  child.send({
    urls: [url, ...others.map((o) => o.url)],
    tokens,
    warmupMs,
    seconds,
  } satisfies DriveOrder);
  let windows: Promise<ServerWindow[]> = Promise.resolve([]);
  let c0 = { ...counts };
  let cpu0 = process.cpuUsage();
  let c1 = c0;
  let cpu = cpu0;
  let db0 = Promise.resolve(0);
  let db1 = Promise.resolve(0);
  const result = await new Promise<DriveResult>((resolve) => {
    child.on('message', (m: unknown) => {
      if (m === 'start') {
        c0 = { ...counts };
        cpu0 = process.cpuUsage();
        db0 = backendCpuMs();
        serverNextMs.length = 0;
        timing = true;
        for (const o of others) o.child.send('start');
      } else if (m === 'stop') {
        timing = false;
        c1 = { ...counts };
        cpu = process.cpuUsage(cpu0);
        db1 = backendCpuMs();
        windows = Promise.all(
          others.map(async (o) => {
            o.child.send('stop');
            return ((await once(o.child, 'message')) as [ServerWindow])[0];
          }),
        );
      } else resolve(m as DriveResult);
    });
  });
  const dbCpu = (await db1) - (await db0);
  const elsewhere = (await windows).reduce(
    (sum, w) => ({
      roundTrips: sum.roundTrips + w.roundTrips,
      statements: sum.statements + w.statements,
      cpuMs: sum.cpuMs + w.cpuMs,
    }),
    { roundTrips: 0, statements: 0, cpuMs: 0 },
  );
  await Promise.all(
    others.map(async (o) => {
      o.child.send('exit');
      await o.exited;
    }),
  );
  const serverSorted = serverNextMs.sort((a, b) => a - b);
  await driverExited;
  const sorted = result.nextMs.sort((a, b) => a - b);
  const cycles = Math.max(1, result.cycles);
  const peerClients = Math.min(n, poolSize * servers);
  rows.push({
    judges: n,
    servers,
    cycles: result.cycles / seconds,
    nextP50: percentile(sorted, 0.5),
    nextP99: percentile(sorted, 0.99),
    roundTrips: (c1.roundTrips - c0.roundTrips + elsewhere.roundTrips) / cycles,
    statements: (c1.statements - c0.statements + elsewhere.statements) / cycles,
    cpuMs: ((cpu.user + cpu.system) / 1000 + elsewhere.cpuMs) / cycles,
    driverCpuMs: result.cpuMs / cycles,
    dbCpuMs: dbCpu / cycles,
    serverNextP99: percentile(serverSorted, 0.99),
    errors: result.errors,
    exhausted: result.exhausted,
    peerClients,
    peer: await pgbenchPeer(peerClients),
  });
}

await app.close();
await database.close();
await benchDb.drop();
rmSync(workDir, { recursive: true, force: true });

const f = (x: number, d = 1) => x.toFixed(d);
const lines = [
  `judging cycle on PostgreSQL (pool ${poolSize} per server), ${seconds} s windows, K = ${k}, setup ${f(setupSeconds)} s, load ${machine().load.join(' ')}`,
  markdownTable(
    [
      'judges',
      'servers',
      'cycles/s',
      'next p50 ms',
      'next p99 ms (in the first server)',
      'round trips/cycle',
      'statements/cycle',
      'CPU ms/cycle: servers / judges / PostgreSQL',
      'pgbench peer cycles/s (clients)',
      'ratio',
    ],
    rows.map((r) => [
      `${r.judges}`,
      `${r.servers}`,
      f(r.cycles),
      f(r.nextP50),
      `${f(r.nextP99)} (${f(r.serverNextP99)})`,
      f(r.roundTrips, 2),
      f(r.statements, 2),
      `${f(r.cpuMs, 2)} / ${f(r.driverCpuMs, 2)} / ${f(r.dbCpuMs, 2)}`,
      `${f(r.peer)} (${r.peerClients})`,
      f(r.cycles / r.peer, 2) +
        (r.errors ? ` ${r.errors} errors` : '') +
        (r.exhausted ? ' (queue ran out)' : ''),
    ]),
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeJson(values.json, {
  poolSize,
  seconds,
  k,
  items: itemCount,
  setupSeconds,
  machine: machine(),
  rows,
});
