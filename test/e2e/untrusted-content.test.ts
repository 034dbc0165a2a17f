import { describe, expect, it } from 'vitest';
import { requireBuiltClient, useServerAndBrowser, type E2eServer } from './helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

const HOSTILE = [
  'Step 1. <script>window.__pwned = 1; alert("script")</script>',
  '',
  '<img src=x onerror="window.__pwned = 2; alert(\'img\')">',
  '',
  '![remote](http://198.51.100.7/evil.png) and <iframe src="http://198.51.100.7/frame"></iframe>',
  '',
  '[click me](javascript:window.__pwned=3) <a href="http://198.51.100.7/x" onclick="window.__pwned=4">x</a>',
  '',
  'Math stays math: $x^2 + \\href{javascript:alert(1)}{y}$ and $$\\frac{a}{b}$$',
  '',
  '<style>body { background: url(http://198.51.100.7/bg.png) }</style>',
].join('\n');

describe('untrusted model output in Chromium', () => {
  const env = useServerAndBrowser();

  it('renders <script>, onerror images, remote images and javascript: links as inert text', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: [{ question: 'Hostile <b onmouseover="alert(1)">question</b>?', traces: {} }],
    });
    const [candidate, baseline] = seeded.systemNames as [string, string];
    // Both sides hostile, so whichever is on the left, both panes are tested.
    await seedTraces(env.server, seeded.study.id, { [candidate]: HOSTILE, [baseline]: HOSTILE });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-xss');

    const page = await env.browser.newPage();
    const dialogs: string[] = [];
    const requests: string[] = [];
    const cspViolations: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${env.server.baseUrl}/judge#token=${judge.token}`);
    await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.trace-left .katex').first().waitFor();

    const leftText = await page.locator('.trace-left .trace-body').innerText();
    expect(leftText).toContain('<script>window.__pwned = 1; alert("script")</script>');
    expect(leftText).toContain('<img src=x onerror=');
    expect(leftText).toContain('<iframe src="http://198.51.100.7/frame"></iframe>');
    expect(await page.locator('.question').innerText()).toContain('<b onmouseover="alert(1)">');
    for (const selector of [
      '.trace script',
      '.trace img',
      '.trace iframe',
      '.trace style',
      '.trace a',
      '.question b',
      '[onerror]',
      '[onclick]',
      '[onmouseover]',
    ]) {
      expect(await page.locator(selector).count(), selector).toBe(0);
    }
    // KaTeX typesets the math but, with trust off, never makes \href a link.
    expect(await page.locator('.trace-left .katex').count()).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(env.server.baseUrl))).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});

async function seedTraces(server: E2eServer, studyId: string, traces: Record<string, string>) {
  const { sql } = await import('drizzle-orm');
  for (const [system, trace] of Object.entries(traces)) {
    await server.tdb.db.execute(sql`
      update outputs o set trace = ${trace}, answer = ${'<script>alert(2)</script> **B**'}
      from systems s, items i
      where s.id = o.system_id and i.id = o.item_id and s.name = ${system} and i.study_id = ${studyId}`);
  }
}
