/**
 * npm run bench:import — `tracearena import` of N items × 2 systems (JSONL, outputs embedded)
 * into a fresh PostgreSQL database, against the peer: `psql \copy` of the same rows (items, then
 * outputs) as CSV into plain tables with the same primary and unique keys, measured in the same
 * run. Prints the ratio (ours / peer): the price of streaming validation, all-or-nothing
 * conflict checks and the import's bookkeeping over a raw bulk load.
 *
 *   npm run bench:import -- [--items 100000] [--server postgres://postgres@127.0.0.1:5432]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const N = Number(values.items);
const server = values.server!.replace(/\/$/, '');
const dir = await mkdtemp(join(tmpdir(), 'ta-bench-import-'));

async function write(path: string, lines: (i: number) => string) {
  const out = createWriteStream(path);
  for (let i = 0; i < N; i++) if (!out.write(lines(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const question = (i: number) => `What does image ${i} show? ${'x'.repeat(100)}`;
const base = 'short trace '.repeat(20);
const sft = 'longer grounded trace '.repeat(40);
await write(
  join(dir, 'items.jsonl'),
  (i) =>
    `${JSON.stringify({
      id: `q-${i}`,
      question: question(i),
      reference: `ref ${i}`,
      modality: i % 2 ? 'radiology' : 'pathology',
      outputs: { base: { trace: base, answer: 'a' }, sft: { trace: sft, answer: 'b' } },
    })}\n`,
);
await write(join(dir, 'items.csv'), (i) =>
  stringify([[`q-${i}`, question(i), `ref ${i}`, i % 2 ? 'radiology' : 'pathology']]),
);
await write(join(dir, 'outputs.csv'), (i) =>
  stringify([
    [`q-${i}`, 'base', base, 'a'],
    [`q-${i}`, 'sft', sft, 'b'],
  ]),
);

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  return `${server}/${name}`;
}

function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}`);
  return (performance.now() - t0) / 1000;
}

// Ours: the CLI as a user runs it (process start-up included, as for psql).
const oursUrl = await freshDatabase('ta_bench_import_ours');
// Migrations run on first open; do it before timing so both sides load into ready tables.
{
  const { createDatabase } = await import('../../server/db/client.ts');
  const db = await createDatabase({ databaseUrl: oursUrl });
  await db.close();
}
const ours = timed(process.execPath, [
  '--import',
  'tsx',
  'scripts/cli.ts',
  'import',
  join(dir, 'items.jsonl'),
  '--study',
  'bench',
  '--database-url',
  oursUrl,
]);

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
]);

process.stdout.write(
  `import of ${N.toLocaleString('en')} items × 2 systems into PostgreSQL\n` +
    `  tracearena import   ${ours.toFixed(2)} s\n` +
    `  psql \\copy (peer)   ${peer.toFixed(2)} s\n` +
    `  ratio ours/peer     ${(ours / peer).toFixed(2)}\n`,
);
await rm(dir, { recursive: true, force: true });
