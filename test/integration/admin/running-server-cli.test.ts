import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stop } from '../../helpers/processes.ts';

/**
 * Issue 12 point 5: with the embedded database held by a running `demo` (the data-folder lock),
 * `report`, `export` and `invite` still work (through the running server), `invite` prints the
 * port the server really uses, and restarting the demo keeps the judge links already handed out.
 */
describe('the CLI beside a running demo on PGlite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ta-running-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const judgeLinks = (out: string) => [...out.matchAll(/^judge (\S+): (\S+)$/gm)].map((m) => m[2]!);
  const works = async (link: string) => {
    const url = new URL(link);
    const token = url.hash.replace('#token=', '');
    const res = await fetch(`${url.origin}/api/judge/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return res.status;
  };

  it('reports, exports and invites while the demo runs; a restart keeps the links', async () => {
    const first = await startCli(
      ['demo', '--port', '0', '--data', dir],
      /press Ctrl\+C to stop/,
      {},
      120_000,
    );
    let links: string[];
    let base: string;
    try {
      links = judgeLinks(first.stdout());
      expect(links.length).toBe(3);
      base = /listening on (\S+)/.exec(first.stdout())![1]!;
      expect(base).not.toContain(':8080');

      const html = await runCli(['report', '--study', 'demo', '--data', dir, '--format', 'html']);
      expect(html.stderr).toBe('');
      expect(html.code).toBe(0);
      expect(html.stdout).toMatch(/^<!doctype html>/i);
      expect(html.stdout).toContain('</html>'); // the demo has no verdicts yet, so no chart

      const table = await runCli(['report', '--study', 'demo', '--data', dir, '--ci', 'wilson']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/Ranking/);

      const exported = await runCli(['export', '--study', 'demo', '--data', dir]);
      expect(exported.code).toBe(0);
      expect(exported.stderr).toBe('');

      const invited = await runCli([
        'invite',
        '--study',
        'demo',
        '--name',
        'dr-new',
        '--data',
        dir,
      ]);
      expect(invited.stderr).toBe('');
      expect(invited.code).toBe(0);
      expect(invited.stdout.trim()).toMatch(new RegExp(`^${base}/judge#token=ta_judge_`));
      expect(await works(invited.stdout.trim())).toBe(200);
      for (const link of links) expect(await works(link)).toBe(200);
    } finally {
      await stop(first.child);
    }

    const second = await startCli(
      ['demo', '--port', '0', '--data', dir],
      /press Ctrl\+C to stop/,
      {},
      120_000,
    );
    try {
      const again = judgeLinks(second.stdout());
      const newBase = /listening on (\S+)/.exec(second.stdout())![1]!;
      // the same tokens (the old links, now on this run's port) still let the judges in
      expect(again.map((l) => l.split('#')[1])).toEqual(links.map((l) => l.split('#')[1]));
      for (const link of links) expect(await works(link.replace(base, newBase))).toBe(200);
    } finally {
      await stop(second.child);
    }
  }, 300_000);
});
