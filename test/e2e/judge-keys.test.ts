import { sql } from 'drizzle-orm';
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../server/db/client.ts';
import { Xoshiro128 } from '../../server/stats/rng.ts';
import { requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { openJudgePage, waitForComparison } from './judge-helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

type Side = 'left' | 'right' | 'tie';
const AXES = ['perception', 'medical_knowledge', 'rationale'];

interface StoredRow {
  winner: string;
  shown_left: 'a' | 'b';
  axes: Record<string, string>;
  strength: number | null;
  note: string | null;
}

/** The stored verdict read back as the judge saw it (left/right), through the side shown left. */
function asShown(row: StoredRow) {
  const side = (x: string): Side => (x === 'tie' ? 'tie' : x === row.shown_left ? 'left' : 'right');
  return {
    winner: side(row.winner),
    axes: Object.fromEntries(Object.entries(row.axes).map(([k, v]) => [k, side(v)])),
    ...(row.strength === 2 ? { strength: 2 } : {}),
    ...(row.note ? { note: row.note } : {}),
  };
}

const verdictsOf = (env: ReturnType<typeof useServerAndBrowser>, judgeId: string) =>
  queryRows<StoredRow>(
    env.server.tdb.db,
    sql`select winner, shown_left, axes, strength, note from verdicts
        where judge_id = ${judgeId} order by created_at`,
  );

/** What the page shows as chosen: every row, "much better" (when it applies) and the note. */
const shownVerdict = (page: Page) =>
  page.evaluate(() => {
    const side = (row: string) =>
      document
        .querySelector(`[data-row="row-${row}"] [role="radio"][aria-checked="true"]`)
        ?.getAttribute('data-side') ?? null;
    const axes: Record<string, string> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-row]')) {
      const id = el.dataset.row!.replace(/^row-/, '');
      const s = side(id);
      if (id !== 'overall' && s) axes[id] = s;
    }
    const much = document.querySelector<HTMLInputElement>('.strength input')!;
    const note = document.querySelector('textarea')?.value.trim() ?? '';
    const focus = document.activeElement;
    return {
      dialog: document.querySelector('dialog[open]') !== null,
      winner: side('overall'),
      axes,
      strength: much.checked && !much.disabled ? 2 : undefined,
      note: note || undefined,
      focus:
        focus?.tagName === 'TEXTAREA'
          ? 'note'
          : focus?.tagName === 'INPUT' || focus?.tagName === 'SELECT'
            ? 'field'
            : focus?.getAttribute('role') === 'radio'
              ? 'row'
              : focus?.tagName === 'BUTTON'
                ? (focus.textContent ?? '')
                : 'other',
    };
  });

async function waitForFake(page: Page): Promise<string> {
  await page.waitForFunction(
    () =>
      document.querySelector('.question .markdown')?.textContent?.startsWith('Fake') &&
      document.querySelector('.comparison')?.getAttribute('aria-busy') === 'false',
    null,
    { polling: 'raf' },
  );
  return page.locator('.question .markdown').first().innerText();
}

describe('judge keys in Chromium', () => {
  const env = useServerAndBrowser();

  it("stores exactly the intended verdict for the issue's sequence 1, Tab, →, Tab, →, Tab, ↓, Enter and then 2 on the next item", async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 3 }, (_, i) => ({ question: `Item ${i}?`, traces: {} })),
    });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-sequence');
    const page = await env.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await openJudgePage(page, env.server.baseUrl, judge.token);
    const first = await page.locator('.question .markdown').first().innerText();
    for (const key of ['1', 'Tab', 'ArrowRight', 'Tab', 'ArrowRight', 'Tab', 'ArrowDown', 'Enter'])
      await page.keyboard.press(key);
    await waitForComparison(page, first);
    await page.keyboard.press('2');
    const second = await shownVerdict(page);
    expect(second).toMatchObject({ winner: 'tie', axes: {}, note: undefined, focus: 'row' });
    expect(second.dialog).toBe(false);
    await page.keyboard.press('Enter');
    await page.getByTestId('progress').filter({ hasText: '2 judged' }).waitFor();
    const rows = await verdictsOf(env, judge.judgeId);
    expect(rows.map(asShown)).toEqual([
      {
        winner: 'left',
        axes: { perception: 'right', medical_knowledge: 'right', rationale: 'tie' },
      },
      { winner: 'tie', axes: {} },
    ]);
    await page.close();
  });

  it('lets Tab walk the rows to Submit but never into the comment, which only N opens and where Enter is a new line', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: [{ question: 'Only item?', traces: {} }],
    });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-comment');
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/assignments\//.test(r.url())) posts.push(r.url());
    });
    await openJudgePage(page, env.server.baseUrl, judge.token);
    const focused = () =>
      page.evaluate(
        () =>
          document.activeElement?.closest('[data-row]')?.getAttribute('data-row') ??
          document.activeElement?.tagName.toLowerCase() +
            ':' +
            (document.activeElement?.textContent ?? ''),
      );
    const walk: string[] = [];
    for (let i = 0; i < 4; i++) {
      walk.push(await focused());
      await page.keyboard.press('Tab');
    }
    walk.push(await focused());
    expect(walk).toEqual([
      'row-overall',
      'row-perception',
      'row-medical_knowledge',
      'row-rationale',
      'button:Submit Enter',
    ]);
    expect(await page.locator('textarea').count()).toBe(0);
    // digits outside the comment choose; N opens it and then they type
    await page.keyboard.press('3');
    await page.keyboard.press('n');
    await page.keyboard.type('12');
    await page.keyboard.press('Enter');
    await page.keyboard.type('3');
    expect(await page.locator('textarea').inputValue()).toBe('12\n3');
    expect(posts).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await focused()).toMatch(/^row-/);
    // a Tab from the comment's row never lands in it again
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('TEXTAREA');
    }
    await page.close();
  });

  it('posts exactly what the page showed as chosen when Enter was pressed, over 200 seeded random key sequences', async () => {
    const REAL = 6;
    const TOTAL = 200;
    const started = Date.now();
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: REAL + 4 }, (_, i) => ({ question: `Real ${i}?`, traces: {} })),
    });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-random');
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });

    // The first REAL submissions go to the server; after that the judge API is answered here
    // (a lease model like the server's), so 200+ sequences take seconds, not minutes.
    const posted: Array<{ kind: string; body: Record<string, unknown> }> = [];
    let fake = 0;
    const leased: string[] = [];
    const judged = new Set<string>();
    const progress = { done: 0, quota: null };
    const assignment = (id: string) => ({
      id,
      item: { question: `Fake ${id}?`, images: [] },
      left: { trace: `Left reasoning for ${id}.`, answer: 'A' },
      right: { trace: `Right reasoning for ${id}.`, answer: 'B' },
      axes: AXES,
      leaseExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const lease = (exclude: string[]) => {
      const open = leased.find((id) => !judged.has(id) && !exclude.includes(id));
      if (open) return open;
      const id = `fake-${String(++fake).padStart(4, '0')}`;
      leased.push(id);
      return id;
    };
    let realPosts = 0;
    await page.route('**/api/judge/**', async (route: Route) => {
      const req = route.request();
      const url = new URL(req.url());
      const post = /\/assignments\/([^/]+)\/(verdict|skip)$/.exec(url.pathname);
      if (post) {
        posted.push({ kind: post[2]!, body: req.postDataJSON() as Record<string, unknown> });
        if (!post[1]!.startsWith('fake-') && realPosts < REAL) {
          realPosts++;
          return route.continue();
        }
        judged.add(post[1]!);
        progress.done++;
        const body =
          post[2] === 'verdict' ? { ok: true, duplicate: false, progress } : { ok: true, progress };
        return route.fulfill({ json: body });
      }
      if (url.pathname === '/api/judge/next' && realPosts >= REAL) {
        const exclude = (req.postDataJSON() as { exclude?: string[] } | null)?.exclude ?? [];
        return route.fulfill({ json: { assignment: assignment(lease(exclude)), progress } });
      }
      return route.continue();
    });

    await openJudgePage(page, env.server.baseUrl, judge.token);
    const rng = new Xoshiro128(20261130);
    const pick = <T>(list: readonly T[]): T => list[rng.nextInt(list.length)]!;
    const KEYS = [
      '1',
      '2',
      '3',
      'ArrowLeft',
      'ArrowDown',
      'ArrowRight',
      'ArrowUp',
      'Tab',
      'Tab',
      'Shift+Tab',
      'm',
      'n',
      'Escape',
      'x',
      '7',
    ] as const;

    const expected: Array<{ kind: string; body: Record<string, unknown> }> = [];
    let question = await page.locator('.question .markdown').first().innerText();
    for (let seq = 0; seq < TOTAL; seq++) {
      const length = 1 + rng.nextInt(12);
      for (let k = 0; k < length; k++) await page.keyboard.press(pick(KEYS));
      // Enter until something is sent: from the note Enter types a new line, without an overall
      // verdict it only asks for one; Esc and a choice key then bring the focus back to a row.
      for (let attempt = 0; ; attempt++) {
        // read the page once it has rendered what the last key did (a key's re-render and the
        // focus it moves can land a frame after the key: reading earlier predicted a skip from a
        // focus the note had already taken)
        await page.evaluate(
          () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
        );
        const shown = await shownVerdict(page);
        const before = posted.length;
        // mostly Enter; sometimes S or C, which skip unless a field or a dialog has the keys
        const last = attempt === 0 ? pick([...Array<string>(8).fill('Enter'), 's', 'c']) : 'Enter';
        await page.keyboard.press(last);
        const sends =
          shown.focus === 'note' || shown.focus === 'field'
            ? null
            : last !== 'Enter'
              ? shown.dialog
                ? null
                : { kind: 'skip', body: { reason: last === 's' ? 'skip' : 'cannot_judge' } }
              : shown.focus.startsWith('Skip')
                ? { kind: 'skip', body: { reason: 'skip' } }
                : shown.focus.startsWith('Can’t judge')
                  ? { kind: 'skip', body: { reason: 'cannot_judge' } }
                  : shown.winner &&
                      (['row', 'other'].includes(shown.focus) || shown.focus.startsWith('Submit'))
                    ? {
                        kind: 'verdict',
                        body: {
                          winner: shown.winner,
                          axes: shown.axes,
                          ...(shown.strength ? { strength: shown.strength } : {}),
                          ...(shown.note ? { note: shown.note } : {}),
                        },
                      }
                    : null;
        if (sends) {
          expected.push(sends);
          await expect.poll(() => posted.length, { interval: 5 }).toBe(before + 1);
          question = await waitForComparison(page, question);
          // the last real verdict shows the prefetched real comparison first: wait for the fakes
          if (seq >= REAL - 1 && !question.startsWith('Fake')) question = await waitForFake(page);
          break;
        }
        await page.waitForTimeout(30);
        expect(posted.length, `sequence ${seq}: nothing is sent from ${shown.focus}`).toBe(before);
        if (attempt > 3)
          throw new Error(`sequence ${seq} never submitted: ${JSON.stringify(shown)}`);
        await page.keyboard.press('Escape');
        if (!shown.winner)
          for (let up = 0; up < AXES.length; up++) await page.keyboard.press('ArrowUp');
        await page.keyboard.press(pick(['1', '2', '3']));
      }
    }
    expect(posted).toHaveLength(TOTAL);
    expect(
      posted.map((p) =>
        p.kind === 'verdict'
          ? { kind: p.kind, body: { ...p.body, elapsedMs: undefined } }
          : { kind: p.kind, body: p.body },
      ),
    ).toEqual(
      expected.map((e) =>
        e.kind === 'verdict' ? { ...e, body: { ...e.body, elapsedMs: undefined } } : e,
      ),
    );
    const verdicts = expected.filter((e) => e.kind === 'verdict').length;
    process.stdout.write(
      `random key sequences: ${TOTAL} (${verdicts} verdicts, ${TOTAL - verdicts} skips), the first ${REAL} stored by the server, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // what reached the real server was stored as shown
    const stored = (await verdictsOf(env, judge.judgeId)).map(asShown);
    const realVerdicts = expected
      .slice(0, REAL)
      .filter((e) => e.kind === 'verdict')
      .map((e) => e.body);
    expect(stored).toEqual(realVerdicts);
    const skips = await queryRows<{ reason: string }>(
      env.server.tdb.db,
      sql`select reason from skips where judge_id = ${judge.judgeId} order by created_at`,
    );
    expect(skips.map((r) => ({ reason: r.reason }))).toEqual(
      expected
        .slice(0, REAL)
        .filter((e) => e.kind === 'skip')
        .map((e) => e.body),
    );
    await page.close();
  }, 240_000);
});
