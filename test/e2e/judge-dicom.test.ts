import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../server/db/client.ts';
import { importFile } from '../../server/imports/service.ts';
import { pairStudy } from '../../server/pairing/service.ts';
import { buildDicom } from '../helpers/dicom.ts';
import { artifactPath, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { openJudgePage } from './judge-helpers.ts';
import { invite } from './seed.ts';

requireBuiltClient();

const SECRETS = ['Doe^Jane', 'PID-0042-XYZ', 'St Elsewhere Hospital'];
const COLUMNS = 64;

/** The grey level of the first row's pixels, read back from the canvas the page draws. */
const readRow = (page: Page) =>
  page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('.image-frame canvas')!;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, 1).data;
    return Array.from({ length: c.width }, (_, x) => data[x * 4]!);
  });

describe('DICOM in the judge page (Chromium)', () => {
  const env = useServerAndBrowser();

  it('imports a .dcm, shows it with its own window, changes its pixels under window/level, and sends no patient tag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ta-e2e-dicom-'));
    try {
      await mkdir(join(dir, 'img'));
      // stored values: a ramp 0..4000 along x (12 bits), rescaled by −1024; file window 976/4000
      await writeFile(join(dir, 'img', 'ct.dcm'), buildDicom({ columns: COLUMNS, rows: 48 }));
      await writeFile(
        join(dir, 'items.jsonl'),
        `${JSON.stringify({
          id: 'ct-1',
          question: 'Is the ramp smooth?',
          images: ['img/ct.dcm'],
          outputs: {
            'zebra-sft': { trace: 'The left half is darker.', answer: 'yes' },
            'okapi-base': { trace: 'It is uniform.', answer: 'no' },
          },
        })}\n`,
      );
      const name = `e2e-dicom-${Date.now()}`;
      await importFile(env.server.tdb.db, { study: { name }, path: join(dir, 'items.jsonl') });
      const [study] = await queryRows<{ id: string }>(
        env.server.tdb.db,
        sql`select id from studies where name = ${name}`,
      );
      await pairStudy(env.server.tdb.db, study!.id, {
        allPairs: true,
        seed: 'e2e',
        judgesPerComparison: 1,
      });
      const judge = await invite(env.server.tdb.db, study!.id, 'dr-dicom');

      const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
      // every byte the judge's browser receives, image included
      const bodies: Array<Promise<string>> = [];
      page.on('response', (res) =>
        bodies.push(
          res
            .body()
            .then((b) => `${res.url()} ${JSON.stringify(res.headers())}\n${b.toString('latin1')}`)
            .catch(() => ''),
        ),
      );
      await openJudgePage(page, env.server.baseUrl, judge.token);
      const readout = page.getByTestId('window-readout');
      await readout.waitFor();
      // window/level starts at the file's own Window Center/Width, in its units
      expect(await readout.innerText()).toContain('W 4000 · L 976');
      const original = await readRow(page);
      expect(original).toHaveLength(COLUMNS);
      // the file window spans the values: a ramp from black to white
      expect(original[0]).toBeLessThanOrEqual(1);
      expect(original[COLUMNS - 1]).toBeGreaterThanOrEqual(254);
      for (let x = 1; x < COLUMNS; x++)
        expect(original[x]!).toBeGreaterThanOrEqual(original[x - 1]!);
      expect(Math.abs(original[32]! - (32 / 63) * 255)).toBeLessThanOrEqual(2);
      expect(await page.getByRole('combobox', { name: 'Window preset' }).inputValue()).toBe('0');

      // a narrower window (keys): more contrast about the level, in the values' units
      for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowLeft');
      // the canvas is redrawn after React commits: poll rather than read once
      await expect.poll(() => readout.innerText()).toContain('W 2996');
      await expect.poll(async () => (await readRow(page))[60]).toBe(255);
      const narrow = await readRow(page);
      expect(narrow[12]!).toBeLessThan(original[12]!);
      expect(narrow[52]!).toBeGreaterThan(original[52]!);
      expect(narrow[4]).toBe(0);
      expect(narrow[60]).toBe(255);
      await page.screenshot({ path: artifactPath('judge-dicom-window.png') });

      // right-drag down: a higher level, a darker image
      await page.keyboard.press('r');
      await expect.poll(() => readRow(page)).toEqual(original);
      const frame = (await page.locator('.image-frame').boundingBox())!;
      const cx = frame.x + frame.width / 2;
      const cy = frame.y + frame.height / 2;
      await page.mouse.move(cx, cy);
      await page.mouse.down({ button: 'right' });
      await page.mouse.move(cx, cy + 40, { steps: 4 });
      await page.mouse.up({ button: 'right' });
      await expect.poll(async () => (await readRow(page))[32]).toBeLessThan(original[32]!);
      await page.getByRole('button', { name: 'Reset' }).click();
      await expect.poll(() => readRow(page)).toEqual(original);
      expect(await readout.innerText()).toContain('W 4000 · L 976');

      const seen = await Promise.all(bodies);
      expect(seen.some((b) => b.includes('TAGRAY16'))).toBe(true);
      for (const body of seen) for (const secret of SECRETS) expect(body).not.toContain(secret);
      await page.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
