import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDatabase, queryRows } from '../../../server/db/client.ts';
import { migrationsFolder, templateKey } from '../../../server/db/pglite-template.ts';
import { repoRoot, type CliResult } from '../../helpers/processes.ts';

const journalEntries = () =>
  (
    JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
      entries: unknown[];
    }
  ).entries.length;

const NOTICE =
  /^tracearena: dist\/server is missing or older than the sources; running them through tsx/;
const compiled = join(repoRoot, 'dist/server/cli.js');

/** `bin/tracearena.js ARGS…`, the installed command, on a PGlite folder. */
function bin(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tracearena.js', ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: undefined },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'ta-bin-'));
const data = join(dir, 'data');

/**
 * Builds dist/server as `npm run build` does, so the launcher finds it up to date (and the PGlite
 * template, when the migrations changed: PGlite's initdb, up to ~30 s on the shared machine).
 */
beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build/server.js'], { cwd: repoRoot });
  expect(built.status, built.stderr.toString()).toBe(0);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/tracearena.js', () => {
  it('runs the compiled CLI when dist/server is up to date: no notice', async () => {
    const r = await bin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: tracearena');
    expect(r.stdout).toMatch(/invite \[options\]/);
  });

  it('a fresh PGlite folder starts as a copy of the migrated template the build made', async () => {
    expect(existsSync(join(repoRoot, 'dist/pglite-template', templateKey(), 'PG_VERSION'))).toBe(
      true,
    );
    // initdb draws a random system identifier: two folders copied from one template share it.
    const identifiers = [];
    for (const name of ['fresh-a', 'fresh-b']) {
      const database = await createDatabase({ dataDir: join(dir, name) });
      try {
        const [row] = await queryRows<{ id: string }>(
          database.db,
          sql`select system_identifier::text as id from pg_control_system()`,
        );
        const [applied] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        );
        expect(applied!.n).toBe(journalEntries());
        identifiers.push(row!.id);
      } finally {
        await database.close();
      }
    }
    expect(identifiers[0]).toBe(identifiers[1]);
  }, 60_000);

  it('compiled, finds the migrations (a fresh folder), imports, invites in bulk and serves the client', async () => {
    const file = join(dir, 'items.jsonl');
    const outputs = { a: { trace: 't', answer: 'x' }, b: { trace: 'u', answer: 'y' } };
    writeFileSync(file, `${JSON.stringify({ id: 'q1', question: 'Q?', outputs })}\n`);
    const imported = await bin(['import', file, '--study', 'bin', '--data', data]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const invited = await bin(['invite', '--study', 'bin', '--count', '3', '--data', data]);
    expect(invited.stderr).toBe('');
    expect(invited.code).toBe(0);
    expect(invited.stdout.trimEnd().split('\n')).toHaveLength(3);

    const child = spawn(
      process.execPath,
      ['bin/tracearena.js', 'serve', '--data', data, '--port', '0'],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: undefined } },
    );
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('close', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      const page = await fetch(`${base}/judge`);
      expect(page.status).toBe(200);
      const built = join(repoRoot, 'dist/client/index.html');
      if (existsSync(built)) expect(await page.text()).toBe(readFileSync(built, 'utf8'));
    } finally {
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGTERM');
      await closed;
    }
  }, 120_000);

  it('falls back to the sources through tsx, in one line, when dist/server is older than them', async () => {
    const { atime, mtime } = statSync(compiled);
    utimesSync(compiled, new Date(0), new Date(0));
    try {
      const r = await bin(['--help']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(NOTICE);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toContain('Usage: tracearena');
      // The compiled help lists the verbs from dist/server/verbs.json without loading them; the
      // sources load every verb: the same text.
      utimesSync(compiled, atime, mtime);
      expect((await bin(['--help'])).stdout).toBe(r.stdout);
    } finally {
      utimesSync(compiled, atime, mtime);
    }
  }, 60_000);
});
