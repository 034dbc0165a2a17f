import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stop } from '../../helpers/processes.ts';

/** A fresh PGlite folder, 60 generated images and the seeding import: slow on a loaded CI machine. */
const DEMO_START_MS = 150_000;

/** The README's first command, as a user runs it: `tracearena demo` on embedded PGlite. */
describe('tracearena demo on PGlite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ta-demo-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'serves the demo; an invite token gets a comparison, its verdict is accepted and exported with the right systems',
    async () => {
      const demo = await startCli(
        ['demo', '--port', '0', '--data', dir],
        /judge dr-cy: (\S+)/,
        {},
        DEMO_START_MS,
      );
      let assignment: { id: string; left: { trace: string } };
      let winner: 'a' | 'b';
      try {
        const out = demo.stdout();
        const base = /listening on (http:\/\/\S+)/.exec(out)![1]!;
        expect(out).toMatch(/admin: http:\/\/\S+\/admin#token=ta_admin_/);
        const invite = /judge dr-ada: (\S+)/.exec(out)![1]!;
        const token = new URL(invite).hash.replace('#token=', '');
        expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ ok: true, db: 'up' });

        const next = await fetch(`${base}/api/judge/next`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(next.status).toBe(200);
        const body = (await next.json()) as { assignment: typeof assignment };
        assignment = body.assignment;
        const image = await fetch(
          `${base}${(body.assignment as unknown as { item: { images: string[] } }).item.images[0]}`,
        );
        expect(image.headers.get('content-type')).toBe('image/png');

        // The fine-tuned system's traces are the long, structured ones: pick it by content, as a judge would.
        const leftIsLong = assignment.left.trace.includes('**Perception.**');
        winner = leftIsLong ? 'a' : 'b';
        const verdict = await fetch(`${base}/api/judge/assignments/${assignment.id}/verdict`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ winner: 'left', axes: { perception: 'left' } }),
        });
        expect(verdict.status).toBe(200);
      } finally {
        await stop(demo.child);
      }

      const exported = await runCli(['export', '--study', 'demo', '--data', dir]);
      expect(exported.code).toBe(0);
      const lines = exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      const [record] = lines;
      expect(record).toMatchObject({ a: 'sft', b: 'base', judge: 'dr-ada', judge_kind: 'human' });
      // The judge said "left"; the export names the system that was on the left.
      expect(record!.shown_left).toBe(winner!);
      expect(record!.winner).toBe(winner!);
      expect(record!.axes).toEqual({ perception: winner! });

      // the accounts the demo made for itself: its admin link's and the local CLI's, one each
      const accounts = await runCli(['user', 'list', '--data', dir]);
      expect(accounts.code, accounts.stderr).toBe(0);
      expect(
        accounts.stdout
          .trim()
          .split('\n')
          .map((l) => l.split('\t')[0])
          .sort(),
      ).toEqual(['demo-admin', 'local-cli']);
    },
    DEMO_START_MS + 60_000,
  );
});
