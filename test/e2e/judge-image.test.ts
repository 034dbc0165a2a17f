import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../server/db/client.ts';
import { encodePng } from '../../server/demo/png.ts';
import { artifactPath, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { openJudgePage } from './judge-helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

/** A 256 × 256 greyscale ramp: grey level = column, so every level is known. */
const SIZE = 256;
function ramp(): Buffer {
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) rgb.fill(x, (y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3);
  return encodePng(SIZE, SIZE, rgb);
}

/** The grey level of the first row's pixels, read back from the canvas the page draws. */
const readRow = (page: Page) =>
  page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('.image-frame canvas')!;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, 1).data;
    return Array.from({ length: c.width }, (_, x) => data[x * 4]!);
  });

/** Screen pixels per image pixel. */
const zoomOf = (page: Page) =>
  page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('.image-frame canvas')!;
    return c.getBoundingClientRect().width / c.width;
  });

async function openGreyItem(
  page: Page,
  baseUrl: string,
  env: ReturnType<typeof useServerAndBrowser>,
) {
  const seeded = await seedStudy(env.server.tdb.db, {
    items: [{ question: 'Is the ramp smooth?', traces: {} }],
  });
  const png = ramp();
  await queryRows(
    env.server.tdb.db,
    sql`update item_images set bytes = ${png}, byte_length = ${png.length}
        where item_id in (select id from items where study_id = ${seeded.study.id})`,
  );
  const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-window');
  await openJudgePage(page, baseUrl, judge.token);
  await page.getByTestId('window-readout').waitFor();
}

describe('image viewing in Chromium', () => {
  const env = useServerAndBrowser();

  it('changes the rendered grey levels by window/level (keys, right-drag, Shift-drag, presets) and restores them exactly on reset', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openGreyItem(page, env.server.baseUrl, env);
    const original = await readRow(page);
    expect(original).toEqual(Array.from({ length: SIZE }, (_, x) => x));
    expect(await page.getByTestId('window-readout').innerText()).toContain('W 255 · L 128');

    // keys: a narrower window stretches the contrast about the middle grey
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowLeft');
    // the canvas is redrawn after React commits: poll rather than read once
    await expect.poll(() => page.getByTestId('window-readout').innerText()).toContain('W 191');
    await expect.poll(async () => (await readRow(page))[16]).toBeLessThan(original[16]!);
    const narrow = await readRow(page);
    expect(narrow[16]!).toBeLessThan(original[16]!);
    expect(narrow[240]!).toBeGreaterThan(original[240]!);
    expect(narrow[0]).toBe(0);
    // no verdict was chosen by those arrows
    expect(await page.locator('[role="radio"][aria-checked="true"]').count()).toBe(0);
    await page.keyboard.press('r');
    await expect.poll(() => readRow(page)).toEqual(original);

    // right-button drag down: a higher level, so a darker image
    const frame = (await page.locator('.image-frame').boundingBox())!;
    const cx = frame.x + frame.width / 2;
    const cy = frame.y + frame.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(cx, cy + 40, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    await expect.poll(async () => (await readRow(page))[128]).toBeLessThan(original[128]!);
    await page.screenshot({ path: artifactPath('judge-window-level.png') });

    // Shift-drag left: a narrower window
    await page.keyboard.press('r');
    await page.keyboard.down('Shift');
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 60, cy, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await readRow(page))[240]).toBeGreaterThan(original[240]!);

    // presets, then Reset (the button) restores the original pixels
    await page.keyboard.press('w');
    await page.getByRole('combobox', { name: 'Window preset' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Window preset' }).inputValue()).toBe('1');
    await expect.poll(() => readRow(page)).not.toEqual(original);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => readRow(page)).toEqual(original);
    await page.close();
  });

  it('zooms by at most 2× in five wheel notches, never past 8 screen pixels per image pixel, and shows 1:1 on P', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openGreyItem(page, env.server.baseUrl, env);
    const fit = await zoomOf(page);
    const frame = (await page.locator('.image-frame').boundingBox())!;
    await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -100);
    await page.waitForFunction((f) => {
      const c = document.querySelector<HTMLCanvasElement>('.image-frame canvas')!;
      return c.getBoundingClientRect().width / c.width > f * 1.5;
    }, fit);
    const five = await zoomOf(page);
    expect(five / fit).toBeLessThanOrEqual(2.02);
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, -100);
    await page.waitForTimeout(100);
    expect(await zoomOf(page)).toBeLessThanOrEqual(8.001);
    await page.keyboard.press('p');
    await page.waitForTimeout(50);
    expect(await zoomOf(page)).toBeCloseTo(1, 3);
    await page.close();
  });
});
