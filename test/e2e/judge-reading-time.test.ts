import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../server/db/client.ts';
import { requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { openJudgePage } from './judge-helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

/**
 * Headless Chromium never hides its only tab, so the page is told it is hidden the way a browser
 * tells it: document.visibilityState and a visibilitychange event.
 */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

describe('reading time in Chromium', () => {
  const env = useServerAndBrowser();

  it('sends the time the comparison was visible with the verdict; hidden time is not counted but the server wall time is', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: [
        { question: 'First question?', traces: {} },
        { question: 'Second question?', traces: {} },
      ],
    });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-reading');
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const sent: Array<{ elapsedMs?: number }> = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/verdict'))
        sent.push(r.postDataJSON() as { elapsedMs?: number });
    });
    await openJudgePage(page, env.server.baseUrl, judge.token);
    await page.waitForTimeout(1000);
    await setVisibility(page, 'hidden');
    await page.waitForTimeout(2500);
    await setVisibility(page, 'visible');
    await page.waitForTimeout(500);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.getByTestId('progress').filter({ hasText: '1 judged' }).waitFor();

    expect(sent).toHaveLength(1);
    const rows = await queryRows<{ reading_ms: number; wall_ms: number; duration_ms: number }>(
      env.server.tdb.db,
      sql`select reading_ms, wall_ms, duration_ms from verdicts where judge_id = ${judge.judgeId}`,
    );
    expect(rows).toHaveLength(1);
    const [row] = rows as [(typeof rows)[0]];
    expect(row.reading_ms).toBe(sent[0]!.elapsedMs);
    expect(row.duration_ms).toBe(row.reading_ms);
    // ~1.5 s visible (plus the time to open the page and press the keys), the 2.5 s hidden left out
    expect(row.reading_ms).toBeGreaterThanOrEqual(1400);
    expect(row.reading_ms).toBeLessThan(row.wall_ms - 2400);
    expect(row.wall_ms).toBeGreaterThanOrEqual(4000);
    expect(row.wall_ms).toBeLessThan(60_000);
    await page.close();
  });
});
