import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, stop } from '../../helpers/processes.ts';

const LISTENING = /TraceArena listening on (http:\/\/\S+) \(pglite\)\nadmin: (.*)\n/;

/** `tracearena serve`, which `npm start` runs too: the one way the server starts. */
describe('tracearena serve', () => {
  const data = mkdtempSync(join(tmpdir(), 'ta-serve-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('takes PORT and HOST from the environment when no flag is given, and stops with 0 on SIGTERM', async () => {
    const server = await startCli(['serve', '--data', data], LISTENING, {
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const exited = new Promise<number | null>((r) => server.child.once('exit', r));
    try {
      const [, base, admin] = server.match;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(base).not.toContain(':8080');
      // first start: the admin link with its token
      expect(admin).toBe(`${base}/admin#token=${admin!.split('#token=')[1]}`);
      expect(admin).toMatch(/#token=ta_admin_\S+$/);
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
    } finally {
      await stop(server.child);
    }
    expect(await exited).toBe(0);
  });

  it('prints no token on a later start unless --new-admin-token', async () => {
    const again = await startCli(['serve', '--data', data, '--port', '0'], LISTENING);
    try {
      expect(again.match[2]).toBe(
        'use the admin URL printed on first start, or restart with --new-admin-token',
      );
    } finally {
      await stop(again.child);
    }
    const minted = await startCli(
      ['serve', '--data', data, '--port', '0', '--new-admin-token'],
      LISTENING,
    );
    try {
      expect(minted.match[2]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin#token=ta_admin_\S+$/);
    } finally {
      await stop(minted.child);
    }
  });
});
