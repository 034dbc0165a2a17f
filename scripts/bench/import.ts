/**
 * npm run bench:import — `tracearena import` of N items × 2 systems (outputs embedded), from JSONL
 * and from Parquet, into PostgreSQL and into PGlite, fresh and then again (a re-import of the same
 * file), against the peer measured in the same run: `psql \copy` of the same rows (items, then
 * outputs) as CSV into plain tables with the same primary and unique keys. Prints each time, its
 * speed as a fraction of the peer's (peer time / ours: the issue's "0.5 of COPY"), re-import /
 * fresh, and the import process's peak RSS, also at N/4 to show it flat in file size.
 *
 *   npm run bench:import -- [--items 100000] [--server postgres://postgres@127.0.0.1:5432]
 *                           [--no-pglite] [--json FILE]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { parquetWriteFile } from 'hyparquet-writer';
import { createDatabase, type DbTarget } from '../../server/db/client.ts';
import { benchDatabase, writeJson } from './common.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    'no-pglite': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const N = Number(values.items);
const server = values.server!.replace(/\/$/, '');
const dir = await mkdtemp(join(tmpdir(), 'ta-bench-import-'));

const question = (i: number) => `What does image ${i} show? ${'x'.repeat(100)}`;
const reference = (i: number) => `ref ${i}`;
const modality = (i: number) => (i % 2 ? 'radiology' : 'pathology');
const base = 'short trace '.repeat(20);
const sft = 'longer grounded trace '.repeat(40);
const outputs = { base: { trace: base, answer: 'a' }, sft: { trace: sft, answer: 'b' } };

async function write(path: string, n: number, lines: (i: number) => string) {
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) if (!out.write(lines(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const jsonlFile = (n: number) => join(dir, `items-${n}.jsonl`);
const writeJsonl = (n: number) =>
  write(
    jsonlFile(n),
    n,
    (i) =>
      `${JSON.stringify({ id: `q-${i}`, question: question(i), reference: reference(i), modality: modality(i), outputs })}\n`,
  );
await writeJsonl(N);
await writeJsonl(N / 4);
// Parquet as a dataset on the Hub ships it: text columns, the nested outputs in a JSON column,
// row groups of 10,000 rows (the reader holds one at a time)
const parquetFile = join(dir, `items-${N}.parquet`);
{
  const ids = Array.from({ length: N }, (_, i) => i);
  parquetWriteFile({
    filename: parquetFile,
    rowGroupSize: 10_000,
    columnData: [
      { name: 'id', data: ids.map((i) => `q-${i}`), type: 'STRING' },
      { name: 'question', data: ids.map(question), type: 'STRING' },
      { name: 'reference', data: ids.map(reference), type: 'STRING' },
      { name: 'modality', data: ids.map(modality), type: 'STRING' },
      { name: 'outputs', data: ids.map(() => outputs), type: 'JSON' },
    ],
  });
}
await write(join(dir, 'items.csv'), N, (i) =>
  stringify([[`q-${i}`, question(i), reference(i), modality(i)]]),
);
await write(join(dir, 'outputs.csv'), N, (i) =>
  stringify([
    [`q-${i}`, 'base', base, 'a'],
    [`q-${i}`, 'sft', sft, 'b'],
  ]),
);

async function freshDatabase(name: string): Promise<string> {
  const database = benchDatabase(`${server}/postgres`, name);
  await database.recreate();
  return database.url;
}

// the CLI compiled, as an installed copy runs it (bin/tracearena.js falls back to tsx when stale)
spawnSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
let compiled = true;

/** Wall time (s) and peak RSS (MB, from GNU time) of one process. */
function timed(cmd: string, args: string[]): { seconds: number; rssMb: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', cmd, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.stderr.includes('through tsx')) compiled = false;
  const rss = /maxrss (\d+)/.exec(r.stderr)?.[1];
  if (r.status !== 0 || !rss) throw new Error(`${cmd} exited with ${r.status}: ${r.stderr}`);
  return { seconds, rssMb: Number(rss) / 1024 };
}

/** The CLI as a user runs it (bin/tracearena.js: compiled when built), start-up included as for psql. */
const importCli = (file: string, dbArgs: string[]) =>
  timed(process.execPath, ['bin/tracearena.js', 'import', file, '--study', 'bench', ...dbArgs]);

/** One import's figures (scripts/bench/run.ts reads them from `--json`). */
export interface ImportRun {
  backend: 'postgres' | 'pglite';
  format: 'jsonl' | 'parquet';
  items: number;
  fresh: { seconds: number; rssMb: number };
  again: { seconds: number; rssMb: number };
}
const runs: ImportRun[] = [];

async function target(backend: ImportRun['backend'], name: string): Promise<string[]> {
  // migrations run on first open: done before timing, so both sides load into ready tables
  let dbTarget: DbTarget;
  let args: string[];
  if (backend === 'postgres') {
    const url = await freshDatabase(name);
    dbTarget = { databaseUrl: url };
    args = ['--database-url', url];
  } else {
    const data = join(dir, name);
    dbTarget = { dataDir: data };
    args = ['--data', data];
  }
  const db = await createDatabase(dbTarget);
  await db.close();
  return args;
}

async function bench(backend: ImportRun['backend'], format: ImportRun['format'], n: number) {
  const args = await target(backend, `ta_bench_import_${backend}_${format}_${n}`);
  const file = format === 'jsonl' ? jsonlFile(n) : parquetFile;
  const fresh = importCli(file, args);
  const again = importCli(file, args);
  runs.push({ backend, format, items: n, fresh, again });
}

// Peer: psql \copy into tables with the same keys.
const peerUrl = await freshDatabase('ta_bench_import_peer');
const ddl = `
  create table items (id uuid primary key default gen_random_uuid(), external_id text unique not null,
    question text not null, reference text, modality text);
  create table outputs (item text not null, system text not null, trace text not null, answer text not null,
    primary key (item, system));`;
spawnSync('psql', ['-q', '-d', peerUrl, '-c', ddl], { stdio: 'inherit' });
const peer = timed('psql', [
  '-q',
  '-d',
  peerUrl,
  '-c',
  `\\copy items (external_id, question, reference, modality) from '${join(dir, 'items.csv')}' csv`,
  '-c',
  `\\copy outputs from '${join(dir, 'outputs.csv')}' csv`,
]).seconds;

for (const backend of ['postgres', 'pglite'] as const) {
  if (backend === 'pglite' && values['no-pglite']) continue;
  await bench(backend, 'jsonl', N);
  await bench(backend, 'parquet', N);
}
await bench('postgres', 'jsonl', N / 4);

const f = (x: number, d = 2) => x.toFixed(d);
let out =
  `import of ${N.toLocaleString('en')} items × 2 systems; peer: psql \\copy of the same rows into PostgreSQL ${f(peer)} s\n\n` +
  '| backend | format | items | fresh s | COPY speed (peer s / ours) | re-import s | re-import / fresh | peak RSS MB |\n' +
  '|---|---|---|---|---|---|---|---|\n';
for (const r of runs) {
  out += `| ${r.backend} | ${r.format} | ${r.items.toLocaleString('en')} | ${f(r.fresh.seconds)} | ${r.items === N ? f(peer / r.fresh.seconds) : '–'} | ${f(r.again.seconds)} | ${f(r.again.seconds / r.fresh.seconds)} | ${f(Math.max(r.fresh.rssMb, r.again.rssMb), 0)} |\n`;
}
out += `\nCLI: ${compiled ? 'compiled (dist/server)' : 'the sources through tsx (dist/server was stale)'}\n`;
out +=
  'goals: COPY speed ≥ 0.5 on PostgreSQL; re-import / fresh ≤ 1.0; peak RSS < 300 MB, flat in size\n';
process.stdout.write(out);
writeJson(values.json, { items: N, peerSeconds: peer, compiled, runs });
await rm(dir, { recursive: true, force: true });
