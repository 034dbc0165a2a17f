import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../../server/auth/repository.ts';
import { queryRows } from '../../server/db/client.ts';
import { seedDemo, DEMO_STUDY } from '../../server/demo/seed.ts';
import { getStudyByName } from '../../server/studies/repository.ts';
import { artifactPath, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import {
  firstScreenBoxes,
  openJudgePage,
  seriousAxeViolations,
  waitForComparison,
} from './judge-helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
] as const;

async function expectFirstScreen(page: Page, label: string) {
  const { innerWidth, innerHeight } = await page.evaluate(() => ({
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
  }));
  const boxes = await firstScreenBoxes(page);
  expect(boxes.map((b) => b.name)).toEqual(
    expect.arrayContaining(['question text', 'trace left, first line', 'image', 'submit']),
  );
  for (const b of boxes) {
    const inside = b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight && b.right <= innerWidth;
    expect(inside, `${label}: ${b.name} ${JSON.stringify(b)}`).toBe(true);
  }
  // nothing to scroll: the page is one screen
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(
    innerHeight,
  );
}

describe('judge page layout in Chromium', () => {
  const env = useServerAndBrowser();
  let studyId: string;
  const responses: string[] = [];

  beforeAll(async () => {
    await seedDemo(env.server.tdb.db);
    const study = await getStudyByName(env.server.tdb.db, { name: DEMO_STUDY });
    studyId = study!.id;
  });

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    it(`shows the question, image, both traces and the verdict on one ${size} screen, and the next comparison at the top with the focus on the overall verdict`, async () => {
      const created = await createInvite(env.server.tdb.db, { studyId, name: `dr-${size}` });
      const context = await env.browser.newContext({ viewport });
      const page = await context.newPage();
      page.on('response', (r) => {
        if (r.status() >= 400) responses.push(`${r.status()} ${r.url()}`);
      });
      await openJudgePage(page, env.server.baseUrl, created!.token);
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.image-frame canvas');
        return c !== null && c.width > 1 && c.style.visibility !== 'hidden';
      });
      await expectFirstScreen(page, `${size} first`);
      // after the guidelines, the focus is on the overall verdict too
      await page.waitForFunction(
        () =>
          document.activeElement?.closest('[data-row]')?.getAttribute('data-row') === 'row-overall',
      );
      await page.screenshot({ path: artifactPath(`judge-${size}.png`) });

      // scroll every pane away from the top, then judge: the next one starts at the top
      await page.evaluate(() => {
        for (const el of document.querySelectorAll('.trace-body, .answer, .question-text'))
          el.scrollTop = el.scrollHeight;
        window.scrollTo(0, document.body.scrollHeight);
      });
      const before = await page.locator('.question .markdown').first().innerText();
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      await waitForComparison(page, before);
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.image-frame canvas');
        return c !== null && c.width > 1 && c.style.visibility !== 'hidden';
      });
      await expectFirstScreen(page, `${size} after submit`);
      const after = await page.evaluate(() => ({
        scrollY: window.scrollY,
        paneTops: [...document.querySelectorAll('.trace-body, .answer, .question-text')].map(
          (el) => el.scrollTop,
        ),
        focusRow: document.activeElement?.closest('[data-row]')?.getAttribute('data-row'),
      }));
      expect(after.scrollY).toBe(0);
      expect(after.paneTops.every((t) => t === 0)).toBe(true);
      expect(after.focusRow).toBe('row-overall');
      await page.screenshot({ path: artifactPath(`judge-${size}-next.png`) });
      await context.close();
    });
  }

  it('flows at 200 % zoom (1440 × 900 seen as 720 × 450): no sideways scrolling, every control reachable, no serious axe violation', async () => {
    const created = await createInvite(env.server.tdb.db, { studyId, name: 'dr-zoomed' });
    const context = await env.browser.newContext({
      viewport: { width: 720, height: 450 },
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    await openJudgePage(page, env.server.baseUrl, created!.token);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    await page.getByRole('button', { name: /Submit/ }).scrollIntoViewIfNeeded();
    expect(await page.getByRole('button', { name: /Submit/ }).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('judge-720x450-zoom200.png'), fullPage: true });
    await context.close();
  });

  it('gives the traces the full width when the item has no image', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: [{ question: 'Which antibiotic for community-acquired pneumonia?', traces: {} }],
    });
    await queryRows(
      env.server.tdb.db,
      sql`delete from item_images where item_id in (select id from items where study_id = ${seeded.study.id})`,
    );
    // `$$…$$` on one line is display math, as in LaTeX; `$…$` stays inline
    await queryRows(
      env.server.tdb.db,
      sql`update outputs set trace = ${'Energy: $$E = mc^2$$ where $c$ is the speed of light.'}
          where item_id in (select id from items where study_id = ${seeded.study.id})`,
    );
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-text');
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await openJudgePage(page, env.server.baseUrl, judge.token);
    const widths = await page.evaluate(() => {
      const w = (s: string) => document.querySelector(s)!.getBoundingClientRect();
      return {
        left: w('.trace-left'),
        right: w('.trace-right'),
        image: document.querySelector('.image-frame'),
      };
    });
    expect(widths.image).toBeNull();
    await page.locator('.trace-left .katex-display').waitFor();
    expect(await page.locator('.trace-left .katex-display').count()).toBe(1);
    expect(await page.locator('.trace-left .katex').count()).toBe(2);
    expect(widths.left.width).toBeGreaterThan(1280 * 0.45);
    expect(widths.right.width).toBeGreaterThan(1280 * 0.45);
    expect(widths.left.left).toBeLessThan(20);
    expect(widths.right.right).toBeGreaterThan(1260);
    await page.screenshot({ path: artifactPath('judge-1280x800-no-image.png') });
    await context.close();
  });

  it('has no serious or critical axe-core violations on the comparison, the help, the done page and the link errors, and asks for no missing file', async () => {
    const created = await createInvite(env.server.tdb.db, { studyId, name: 'dr-axe', quota: 1 });
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('response', (r) => {
      if (r.status() >= 400) responses.push(`${r.status()} ${r.url()}`);
    });
    await openJudgePage(page, env.server.baseUrl, created!.token);
    // headless Chromium never asks for /favicon.ico, so check what a browser would use instead:
    // an icon in the page itself (data:, allowed by the CSP) that decodes as an image
    const iconWidth = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';
      if (!href.startsWith('data:image/svg+xml,')) return 0;
      const img = new Image();
      img.src = href;
      await img.decode();
      return img.naturalWidth;
    });
    expect(iconWidth).toBeGreaterThan(0);
    expect(await seriousAxeViolations(page), 'comparison').toEqual([]);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    expect(await seriousAxeViolations(page), 'help').toEqual([]);
    await page.screenshot({ path: artifactPath('judge-help.png') });
    await page.keyboard.press('Escape');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /All done/ }).waitFor();
    expect(await seriousAxeViolations(page), 'done').toEqual([]);
    // the key hints belong to a comparison, not to the pages without one
    expect(await page.locator('main kbd, .key-hints').count()).toBe(0);

    // a token of no known kind, and one the server does not know, are an invalid link
    for (const token of ['bogus', 'ta_judge_notarealtoken']) {
      const other = await env.browser.newPage();
      await other.goto(`${env.server.baseUrl}/judge#token=${token}`);
      await other.getByRole('heading', { name: 'This invite link is not valid' }).waitFor();
      expect(await seriousAxeViolations(other), `invalid ${token}`).toEqual([]);
      await other.close();
    }
    const none = await env.browser.newPage();
    await none.goto(`${env.server.baseUrl}/judge`);
    await none.getByRole('heading', { name: 'No invite' }).waitFor();
    expect(await none.locator('main kbd, .key-hints').count()).toBe(0);
    // the harness finds what it should: a button without a name is a critical violation
    await none.evaluate(() =>
      document.querySelector('main')!.append(document.createElement('button')),
    );
    expect((await seriousAxeViolations(none)).map((v) => v.id)).toContain('button-name');
    await none.close();
    await context.close();
    expect(responses).toEqual([]);
  });
});
