import { describe, expect, it } from 'vitest';
import { requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

/**
 * Issue 18, item 3: the judge-quality panel shows each judge's reliability estimated by the
 * Dawid–Skene model (server/readmodel/judge-competence.ts), and says why for a judge it cannot
 * estimate.
 */
describe('judge-quality panel: estimated reliability in Chromium', () => {
  const env = useServerAndBrowser();

  it('shows a reliability for judges sharing comparisons and says why for a judge without verdicts', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 6 }, (_, i) => ({ question: `Question ${i}?`, traces: {} })),
      k: 3,
    });
    const judge = async (name: string, quota: number, winner: 'left' | 'right' | 'tie') => {
      const j = await invite(env.server.tdb.db, seeded.study.id, name, quota);
      const headers = { authorization: `Bearer ${j.token}`, 'content-type': 'application/json' };
      for (let i = 0; i < quota; i++) {
        const next = await fetch(`${env.server.baseUrl}/api/judge/next`, {
          method: 'POST',
          headers,
          body: '{}',
        });
        const { assignment } = (await next.json()) as { assignment: { id: string } };
        const done = await fetch(
          `${env.server.baseUrl}/api/judge/assignments/${assignment.id}/verdict`,
          { method: 'POST', headers, body: JSON.stringify({ winner, axes: {} }) },
        );
        expect(done.status).toBe(200);
      }
    };
    // two judges who call every comparison a tie agree on all six; an idle judge has no verdicts
    await judge('dr-tie-1', 6, 'tie');
    await judge('dr-tie-2', 6, 'tie');
    await invite(env.server.tdb.db, seeded.study.id, 'dr-idle', 1);

    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.baseUrl}/admin#token=${env.server.adminToken}`);
    await page.getByRole('link', { name: seeded.study.name, exact: true }).click();
    const panel = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: /Judge quality/ }) });
    await panel.getByRole('columnheader', { name: 'Estimated reliability' }).waitFor();
    const cell = async (judgeName: string) => {
      const row = panel.getByRole('row').filter({ hasText: judgeName });
      const headers = await panel.getByRole('columnheader').allTextContents();
      const col = headers.findIndex((h) => h.trim() === 'Estimated reliability');
      return row.getByRole('cell').nth(col);
    };
    for (const name of ['dr-tie-1', 'dr-tie-2'])
      await expect.poll(async () => (await cell(name)).textContent()).toMatch(/^\d+%$/);
    const idle = await cell('dr-idle');
    expect(await idle.textContent()).toBe('—');
    expect(await idle.getAttribute('title')).toBe('no verdicts');
    await context.close();
  }, 180_000);
});
