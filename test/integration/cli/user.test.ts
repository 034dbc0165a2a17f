import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stop, type CliResult } from '../../helpers/processes.ts';

/**
 * Issue 17 from the command line: `user add/grant/list` on the data folder, then people working
 * through a running server with their own tokens (`--server`, TRACEARENA_TOKEN), each limited by
 * their role.
 */
const LISTENING = /TraceArena listening on (http:\/\/\S+) \(pglite\)\n/;

let dir: string;
let data: string;
const local = (args: string[]): Promise<CliResult> =>
  runCli([...args, '--data', data], { DATABASE_URL: undefined, TRACEARENA_SERVER: undefined });

function ok(r: CliResult): string {
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-user-cli-'));
  data = join(dir, 'data');
  const file = join(dir, 'items.jsonl');
  const outputs = { a: { trace: 't', answer: 'x' }, b: { trace: 'u', answer: 'y' } };
  await writeFile(file, `${JSON.stringify({ id: 'q1', question: 'Q?', outputs })}\n`);
  for (const study of ['alpha', 'beta']) ok(await local(['import', file, '--study', study]));
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tracearena user, and the CLI through a server with a person’s own token', () => {
  let alice: string;
  let olga: string;
  let root: string;

  it('creates accounts, prints each token once, grants roles and lists them', async () => {
    alice = ok(await local(['user', 'add', 'alice'])).trim();
    expect(alice).toMatch(/^ta_user_[\w-]+$/);
    root = ok(await local(['user', 'add', 'root', '--role', 'server-admin'])).trim();
    expect(root).toMatch(/^ta_admin_[\w-]+$/);
    const again = await local(['user', 'add', 'alice']);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe("tracearena: an account named 'alice' already exists");
    ok(await local(['user', 'grant', 'alice', '--study', 'alpha', '--role', 'viewer']));
    olga = ok(await local(['user', 'add', 'olga'])).trim();
    ok(await local(['user', 'grant', 'olga', '--study', 'alpha', '--role', 'owner']));
    const badRole = await local(['user', 'grant', 'alice', '--study', 'alpha', '--role', 'god']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr.trim()).toBe(
      "tracearena: option '--role': expected owner or viewer, got 'god'",
    );
    expect(ok(await local(['user', 'list']))).toMatch(/^alice\tmember\tcreated \S+\tnever used$/m);
    expect(ok(await local(['user', 'roles', '--study', 'alpha']))).toMatch(
      /^alice\tviewer\tgranted by cli /m,
    );
  }, 180_000);

  it('works through --server with the person’s role: a viewer reads, cannot change, cannot see other studies', async () => {
    const server = await startCli(['serve', '--data', data, '--port', '0'], LISTENING, {
      DATABASE_URL: undefined,
      HOST: '127.0.0.1',
    });
    try {
      const url = server.match[1]!;
      const as = (token: string, args: string[]) =>
        runCli([...args, '--server', url], { TRACEARENA_TOKEN: token, DATABASE_URL: undefined });

      const report = await as(alice, ['report', '--study', 'alpha', '--format', 'json']);
      expect(report.code, report.stderr).toBe(0);
      expect(JSON.parse(report.stdout)).toHaveProperty('pairs');

      const hidden = await as(alice, ['report', '--study', 'beta']);
      expect(hidden.code).toBe(2);
      expect(hidden.stderr.trim()).toBe("tracearena: no study named 'beta' (studies: alpha)");

      const invite = await as(alice, ['invite', '--study', 'alpha', '--name', 'x']);
      expect(invite.code).toBe(2);
      expect(invite.stderr.trim()).toMatch(/a viewer of this study cannot change it$/);

      const refused = await as(alice, ['pair', '--study', 'alpha']);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim()).toMatch(/a viewer of this study cannot change it$/);
      // an owner pairs and scans the study through the server
      const paired = await as(olga, ['pair', '--study', 'alpha', '--base', 'b', '--seed', 's1']);
      expect(paired.code, paired.stderr).toBe(0);
      expect(paired.stdout).toMatch(/^paired a vs b: 1 new comparisons/);
      const scanned = await as(olga, ['scan', '--study', 'alpha']);
      expect(scanned.code, scanned.stderr).toBe(0);
      expect(scanned.stdout).toMatch(/^0 of 2 outputs flagged/m);

      // the server-admin manages accounts through the server too; revocation works at once
      expect((await as(root, ['user', 'list'])).stdout).toContain('alice\tmember');
      expect((await as(root, ['user', 'revoke', 'alice'])).code).toBe(0);
      const revoked = await as(alice, ['report', '--study', 'alpha']);
      expect(revoked.code).toBe(2);
      expect(revoked.stderr.trim()).toMatch(/missing or invalid token$/);

      // import goes through the server too (TRACEARENA_SERVER); a server-admin creates the study
      const imported = await runCli(['import', join(dir, 'items.jsonl'), '--study', 'gamma'], {
        TRACEARENA_SERVER: url,
        TRACEARENA_TOKEN: root,
        DATABASE_URL: undefined,
      });
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toBe("imported 1 items, 2 outputs (3 new) into study 'gamma'\n");
    } finally {
      await stop(server.child);
    }
  }, 240_000);
});
