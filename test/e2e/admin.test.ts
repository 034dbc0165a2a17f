import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../shared/report.ts';
import { encodePng } from '../../server/demo/png.ts';
import { artifactPath, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { seriousAxeViolations } from './judge-helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

/**
 * Issue 12 points 5 and 6 for the admin pages: a folder upload keeps `img/…` paths, the report
 * downloads in every format, the study list shows progress, the gold list says which items it
 * shows, the dashboard's labels fit, and axe-core finds nothing serious on the study page or the
 * dashboard.
 */
describe('admin study page in Chromium', () => {
  const env = useServerAndBrowser();
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${env.server.baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${env.server.adminToken}`,
        'content-type': 'application/json',
      },
    });
    return res.json() as Promise<Record<string, unknown>>;
  };

  async function openStudy(name: string): Promise<Page> {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.baseUrl}/admin#token=${env.server.adminToken}`);
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, exact: true }).waitFor();
    return page;
  }

  it.each([
    ['the images folder itself (img)', 'img'],
    ['the folder that holds the data file', '.'],
  ])('imports a folder upload picked as %s, keeping img/ paths', async (_label, pick) => {
    const name = `upload-${pick === '.' ? 'parent' : 'img'}`;
    await api('/api/studies', { method: 'POST', body: JSON.stringify({ name }) });
    const dir = await mkdtemp(join(tmpdir(), 'ta-e2e-folder-'));
    dirs.push(dir);
    const root = join(dir, 'study');
    await mkdir(join(root, 'img', 'ct'), { recursive: true });
    const png = encodePng(2, 2, new Uint8Array(12).fill(90));
    await writeFile(join(root, 'img', 'q-1.png'), png);
    await writeFile(join(root, 'img', 'ct', 'q-2.png'), png);
    const records = [
      { id: 'q-1', question: 'What is shown?', images: ['img/q-1.png'] },
      { id: 'q-2', question: 'And here?', images: ['img/ct/q-2.png'] },
      { id: 'q-3', question: 'No image?' },
    ];
    await writeFile(join(root, 'items.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));

    const page = await openStudy(name);
    await page.getByLabel(/Data file/).setInputFiles(join(root, 'items.jsonl'));
    await page.getByLabel(/Images folder/).setInputFiles(pick === '.' ? root : join(root, 'img'));
    await page.getByRole('button', { name: 'Upload' }).click();
    const status = page.getByRole('status').filter({ hasText: 'items.jsonl' });
    await status.waitFor();
    expect(await status.innerText()).toBe(
      'items.jsonl: 3 records, 3 new items, 0 new outputs, 2 images (no systems).',
    );
    await page.context().close();
  });

  it('downloads the report in every format, each valid, and passes axe on the study page and the dashboard', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 30 }, (_, i) => ({ question: `Question ${i}?`, traces: {} })),
    });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-report', 12);
    for (let i = 0; i < 12; i++) {
      const headers = {
        authorization: `Bearer ${judge.token}`,
        'content-type': 'application/json',
      };
      const next = await fetch(`${env.server.baseUrl}/api/judge/next`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      const { assignment } = (await next.json()) as { assignment: { id: string } };
      const done = await fetch(
        `${env.server.baseUrl}/api/judge/assignments/${assignment.id}/verdict`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({ winner: (['left', 'right', 'tie'] as const)[i % 3], axes: {} }),
        },
      );
      expect(done.status).toBe(200);
    }

    const page = await openStudy(seeded.study.name);
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.getByRole('columnheader', { name: 'Log-strength' }).waitFor();
    await page.getByText('12 verdicts on 12 items by 1 judge · 95% CI', { exact: true }).waitFor();

    const files = new Map<string, string>();
    for (const label of ['HTML', 'JSON', 'CSV', 'Markdown', 'LaTeX']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: label, exact: true }).click(),
      ]);
      files.set(download.suggestedFilename(), await readFile((await download.path())!, 'utf8'));
    }
    const stem = seeded.study.name;
    expect([...files.keys()].sort()).toEqual(
      ['csv', 'html', 'json', 'md', 'tex'].map((ext) => `${stem}-report.${ext}`),
    );
    const file = (ext: string) => files.get(`${stem}-report.${ext}`)!;
    expect(reportSchema.safeParse(JSON.parse(file('json'))).success).toBe(true);
    const csv = parse(file('csv'), { columns: true }) as Record<string, string>[];
    expect(csv.length).toBeGreaterThan(0);
    expect(file('tex')).toContain('\\toprule');
    expect(file('tex')).toContain('\\bottomrule');
    expect(file('md')).toMatch(/^\| .* \|$/m);

    // The HTML report on its own: SVG charts, and not one request leaves the page.
    const viewer = await page.context().newPage();
    const requests: string[] = [];
    viewer.on('request', (r) => requests.push(r.url()));
    await viewer.setContent(file('html'), { waitUntil: 'load' });
    expect(await viewer.locator('svg').count()).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
    await viewer.close();

    // The gold list says which of the 30 items it shows, and pages through them.
    const goldStatus = page.getByRole('status').filter({ hasText: /of 30/ });
    expect(await goldStatus.innerText()).toMatch(/^Items 1–25 of 30/);
    await goldStatus.getByRole('button', { name: 'Next' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Items 26–30 of 30/ })
      .waitFor();

    await page.screenshot({ path: artifactPath('admin-study.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The study list: the progress of this study's human slots.
    await page.goto(`${env.server.baseUrl}/admin`);
    await page.getByRole('progressbar', { name: `${stem}, Human: 12 / 30 judged` }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The dashboard: every label inside its chart, and nothing serious for axe.
    await page.goto(`${env.server.baseUrl}/dashboard/${seeded.study.id}`);
    await page.locator('[data-pair] circle').first().waitFor();
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll<SVGTextElement>('svg text')]
        .filter((t) => {
          const svg = t.ownerSVGElement!;
          const box = t.getBBox();
          const view = svg.viewBox.baseVal;
          return box.x < view.x - 0.5 || box.x + box.width > view.x + view.width + 0.5;
        })
        .map((t) => t.textContent),
    );
    expect(overflow).toEqual([]);
    await page.screenshot({ path: artifactPath('admin-dashboard.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(failed).toEqual([]);
    await page.context().close();
  });
});
