import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../server/db/client.ts';
import { artifactPath, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

const checked = (page: Page, row: string) =>
  page
    .locator(`[data-row="row-${row}"] [role="radio"][aria-checked="true"]`)
    .getAttribute('data-side');

const question = (page: Page) => page.locator('.question .markdown').first().innerText();

/** Waits until a comparison other than `previous` is on screen and ready for keys. */
async function nextComparison(page: Page, previous: string) {
  await page.waitForFunction((prev) => {
    const q = document.querySelector('.question .markdown');
    const c = document.querySelector('.comparison');
    return q && c && q.textContent !== prev && c.getAttribute('aria-busy') === 'false';
  }, previous);
}

describe('judge page in Chromium', () => {
  const env = useServerAndBrowser();

  it('judges three comparisons by keyboard only, skips one, survives a reload, and stores verdicts against the right systems', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 5 }, (_, i) => ({
        question: `Is there an opacity in image ${i}?`,
        traces: {},
      })),
    });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-keyboard', 10);
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const prefetches: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/judge/next') && req.postData()?.includes('exclude'))
        prefetches.push(req.postData()!);
    });
    await page.goto(`${env.server.baseUrl}/judge#token=${judge.token}`);

    // The token leaves the address bar at once; the guidelines come first.
    await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
    expect(page.url()).toBe(`${env.server.baseUrl}/judge`);
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Left', exact: true }).waitFor();

    // 1: overall left, then the focus walks the axes: perception right, knowledge tie, rationale left.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('3');
    await page.keyboard.press('2');
    await page.keyboard.press('ArrowLeft');
    expect(await checked(page, 'overall')).toBe('left');
    expect(await checked(page, 'perception')).toBe('right');
    expect(await checked(page, 'medical_knowledge')).toBe('tie');
    expect(await checked(page, 'rationale')).toBe('left');
    await page.screenshot({ path: artifactPath('judge-page.png'), fullPage: true });
    // The next comparison was leased ahead while this one was on screen.
    await page.waitForFunction(() => true);
    expect(prefetches.length).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.getByTestId('progress').filter({ hasText: '1 / 10 judged' }).waitFor();

    // 2: overall right and much better, perception left — then a reload in the middle.
    await page.waitForFunction(
      () => !document.querySelector('[role="radio"][aria-checked="true"]'),
    );
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('m');
    await page.keyboard.press('1');
    await page.reload();
    await page.getByRole('heading', { name: 'Left', exact: true }).waitFor();
    expect(page.url()).toBe(`${env.server.baseUrl}/judge`);
    expect(await checked(page, 'overall')).toBe('right');
    expect(await checked(page, 'perception')).toBe('left');
    expect(await page.getByRole('checkbox', { name: /Much better/ }).isChecked()).toBe(true);
    // The keys carry on at the first unanswered row: medical knowledge.
    await page.keyboard.press('ArrowDown');
    expect(await checked(page, 'medical_knowledge')).toBe('tie');
    await page.keyboard.press('n');
    await page.keyboard.type('kept across a reload');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.getByTestId('progress').filter({ hasText: '2 / 10 judged' }).waitFor();

    // 3: skipped.
    await page.waitForFunction(
      () => !document.querySelector('[role="radio"][aria-checked="true"]'),
    );
    const skipped = await question(page);
    await page.keyboard.press('s');
    // 4: a tie overall, axes left open.
    await nextComparison(page, skipped);
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await page.getByTestId('progress').filter({ hasText: '3 / 10 judged' }).waitFor();

    const rows = await queryRows<{
      winner: string;
      shown_left: 'a' | 'b';
      axes: Record<string, string>;
      strength: number | null;
      note: string | null;
      duration_ms: number | null;
      a_name: string;
    }>(
      env.server.tdb.db,
      sql`select v.winner, v.shown_left, v.axes, v.strength, v.note, v.duration_ms, s.name as a_name
          from verdicts v join comparisons c on c.id = v.comparison_id join systems s on s.id = c.system_a_id
          where v.judge_id = ${judge.judgeId} order by v.created_at`,
    );
    expect(rows).toHaveLength(3);
    const other = (x: 'a' | 'b') => (x === 'a' ? 'b' : 'a');
    const [first, second, third] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    // The judge spoke of left/right; the database holds the systems.
    expect(first.winner).toBe(first.shown_left);
    expect(first.axes).toEqual({
      perception: other(first.shown_left),
      medical_knowledge: 'tie',
      rationale: first.shown_left,
    });
    expect(second.winner).toBe(other(second.shown_left));
    expect(second.strength).toBe(2);
    expect(second.note).toBe('kept across a reload');
    expect(second.axes).toEqual({ perception: second.shown_left, medical_knowledge: 'tie' });
    expect(third.winner).toBe('tie');
    for (const r of rows) {
      expect(r.a_name).toBe(seeded.systemNames[0]);
      expect(r.duration_ms).toBeGreaterThan(0);
    }
    const skips = await queryRows<{ reason: string }>(
      env.server.tdb.db,
      sql`select reason from skips where judge_id = ${judge.judgeId}`,
    );
    expect(skips).toEqual([{ reason: 'skip' }]);
    expect(await page.evaluate(() => localStorage.getItem('tracearena.outbox'))).toBeNull();
    await context.close();
  });
});
