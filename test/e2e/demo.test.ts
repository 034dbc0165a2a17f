import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, stop } from '../helpers/processes.ts';

/** A fresh PGlite folder, 60 generated images and the seeding import: slow on a loaded CI machine. */
const DEMO_START_MS = 150_000;
import { artifactPath, launchBrowser, requireBuiltClient } from './helpers.ts';

requireBuiltClient();

/** The README's promise: `npm run demo` prints invite URLs that open straight into a working judge page. */
describe('the demo in Chromium', () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ta-demo-e2e-'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'opens the printed invite URL into a judge page with the image, and takes a verdict',
    async () => {
      const demo = await startCli(
        ['demo', '--port', '0', '--data', dir],
        /judge dr-cy: (\S+)/,
        {},
        DEMO_START_MS,
      );
      try {
        const inviteUrl = /judge dr-bo: (\S+)/.exec(demo.stdout())![1]!;
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(inviteUrl);
        await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
        await page.keyboard.press('Escape');
        await page.getByRole('heading', { name: 'Left', exact: true }).waitFor();
        await page.getByRole('heading', { name: 'Right', exact: true }).waitFor();
        // The generated image is served, decoded and drawn on the viewer's canvas.
        await page.waitForFunction(() =>
          [...document.querySelectorAll('canvas')].some(
            (c) => c.width === 256 && c.style.visibility !== 'hidden',
          ),
        );
        const before = await page.locator('.question .markdown').first().innerText();
        expect(before.length).toBeGreaterThan(10);
        await page.screenshot({ path: artifactPath('demo-judge-page.png'), fullPage: true });
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Enter');
        await page.getByTestId('progress').filter({ hasText: /^1\b/ }).waitFor();
        expect(errors).toEqual([]);
      } finally {
        await stop(demo.child);
      }
    },
    DEMO_START_MS + 60_000,
  );
});
