import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { createDatabase, queryRows, type Db } from '../../../server/db/client.ts';
import { FileRecordError } from '../../../server/files/record-error.ts';
import { importFile } from '../../../server/imports/service.ts';
import { getStudyByName } from '../../../server/studies/repository.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { repoRoot } from '../../helpers/processes.ts';
import { jsonl, tempDir } from './fixtures.ts';
import { malformedFile, STORED, type MalformedFile } from './malformed.ts';

/**
 * Every table's row count and a hash of its rows, in one query: "unchanged" means all are equal.
 * Returns a function, so the table list is read once.
 */
export async function fingerprinter(db: Db): Promise<() => Promise<string>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  // an account's last use is bookkeeping of the request itself (docs/roles.md), not data written
  const source = (name: string) =>
    name === 'accounts'
      ? '(select id, name, server_admin, token_hash, created_at, revoked_at from accounts)'
      : `"${name}"`;
  const parts = tables.map(
    ({ name }) =>
      `'${name}', (select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from ${source(name)} t)`,
  );
  const query = sql.raw(`select json_build_object(${parts.join(', ')})::text as f`);
  return async () => (await queryRows<{ f: string }>(db, query))[0]?.f ?? '';
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Checks one refusal: `NAME:LINE: reason`, one line, LINE where the file went wrong. */
export function expectRefusal(message: string, name: string, file: MalformedFile): void {
  const m = new RegExp(`^${escapeRe(name)}:(\\d+): (.*)$`).exec(message);
  expect(m, `${file.what}: ${message}`).not.toBeNull();
  const line = Number(m?.[1]);
  expect(line, `${file.what}: ${message}`).toBeGreaterThanOrEqual(file.line);
  expect(line, `${file.what}: ${message}`).toBeLessThanOrEqual(file.line + file.slack);
  expect(m?.[2], `${file.what}: ${message}`).toMatch(file.expected);
}

/** Cases per backend: the full 1,000 on PGlite, a further sample on PostgreSQL. */
const RUNS = { pglite: 1000, postgres: 250 } as const;

describe.each(backends())('malformed import files on %s (service)', (backend) => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    dir = await tempDir();
    const path = join(dir, 'stored.jsonl');
    await writeFile(path, jsonl([STORED]));
    await importFile(tdb.db, { study: { name: 'fuzz' }, path });
  });
  afterAll(() => tdb.destroy());

  it(`refuses ${RUNS[backend]} seeded malformed files with FILE:LINE: reason and leaves every table unchanged`, async () => {
    const fingerprint = await fingerprinter(tdb.db);
    const before = await fingerprint();
    expect(before).toMatch(/"items" ?: ?"1:/);
    const tally = new Map<string, number>();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(malformedFile, async (file) => {
        const path = join(dir, `case-${n++}.${file.format}`);
        await writeFile(path, file.bytes);
        const err = await importFile(tdb.db, { study: { name: 'fuzz' }, path }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, `${file.what}: imported`).toBeInstanceOf(FileRecordError);
        expectRefusal((err as Error).message, path, file);
        expect(await fingerprint(), file.what).toBe(before);
        tally.set(file.what, (tally.get(file.what) ?? 0) + 1);
      }),
      { seed: backend === 'pglite' ? 1313 : 1314, numRuns: RUNS[backend], endOnFailure: true },
    );
    // every corruption, in every format and kind, was drawn
    expect(tally.size).toBeGreaterThan(backend === 'pglite' ? 60 : 50);
  }, 300_000);
});

describe('malformed import files over HTTP', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let auth: { authorization: string };
  let studyId: string;
  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
    app = await buildApp({ database: tdb, logger: false });
    auth = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
    const dir = await tempDir();
    await writeFile(join(dir, 'stored.jsonl'), jsonl([STORED]));
    const result = await importFile(tdb.db, {
      study: { name: 'fuzz' },
      path: join(dir, 'stored.jsonl'),
    });
    studyId = (await getStudyByName(tdb.db, { name: 'fuzz' }))?.id as string;
    expect(result.itemsCreated).toBe(1);
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('answers 422 FILE:LINE: reason to 200 seeded malformed uploads (never 5xx) and writes nothing', async () => {
    const fingerprint = await fingerprinter(tdb.db);
    const before = await fingerprint();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(malformedFile, async (file) => {
        const name = `upload-${n++}.${file.format}`;
        const res = await app.inject({
          method: 'POST',
          url: `/api/studies/${studyId}/imports?filename=${name}`,
          headers: { ...auth, 'content-type': 'application/octet-stream' },
          payload: file.bytes,
        });
        expect(res.statusCode, `${file.what}: ${res.body}`).toBe(422);
        const body = res.json<{ code: string; message: string }>();
        expect(body.code).toBe('TA_IMPORT_BAD_RECORD');
        expectRefusal(body.message, name, file);
        expect(await fingerprint(), file.what).toBe(before);
      }),
      { seed: 2626, numRuns: 200, endOnFailure: true },
    );
  }, 300_000);
});

describe('malformed import files through the CLI process', () => {
  it('exits 2 printing one FILE:LINE: reason line for deep nesting, invalid UTF-8, an unknown key and NUL, changing no table', async () => {
    const dir = await tempDir();
    const dataDir = join(dir, 'pglite-data');
    let database = await createDatabase({ dataDir });
    await writeFile(join(dir, 'stored.jsonl'), jsonl([STORED]));
    await importFile(database.db, { study: { name: 'fuzz' }, path: join(dir, 'stored.jsonl') });
    const before = await (await fingerprinter(database.db))();
    await database.close();

    // one file of each kind the issue saw fail through the CLI (a stack overflow, exit 1)
    const wanted = ['deep nesting', 'invalid UTF-8', 'unknown key', 'NUL'];
    const files = wanted.map(
      (what) =>
        fc
          .sample(malformedFile, { seed: 3939, numRuns: 300 })
          .find((f) => f.what.endsWith(`: ${what}`)) as MalformedFile,
    );
    for (const [i, file] of files.entries()) {
      const path = join(dir, `cli-${i}.${file.format}`);
      await writeFile(path, file.bytes);
      const run = await cli(['import', path, '--study', 'fuzz', '--data', dataDir]);
      expect(run.code, `${file.what}: ${run.stderr}`).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.endsWith('\n') && run.stderr.indexOf('\n') === run.stderr.length - 1).toBe(
        true,
      );
      expect(run.stderr.startsWith('tracearena: ')).toBe(true);
      expectRefusal(run.stderr.slice('tracearena: '.length, -1), path, file);
    }

    database = await createDatabase({ dataDir });
    expect(await (await fingerprinter(database.db))()).toBe(before);
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }, 300_000);
});

/** `tracearena ARGS…` as a child process, without DATABASE_URL (the test names its database). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
