import { describe, expect, it } from 'vitest';
import { artifactPath, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

describe('admin pages and live dashboard in Chromium', () => {
  const env = useServerAndBrowser();

  it('invites a judge from the admin page and shows their verdicts live on the dashboard', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 3 }, (_, i) => ({
        question: `Dashboard question ${i}?`,
        traces: {},
      })),
    });
    const adminContext = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    const pageErrors: string[] = [];
    admin.on('pageerror', (e) => pageErrors.push(e.message));
    await admin.goto(`${env.server.baseUrl}/admin#token=${env.server.adminToken}`);
    expect(admin.url()).toBe(`${env.server.baseUrl}/admin`);
    await admin.getByRole('link', { name: seeded.study.name }).click();
    await admin.getByRole('heading', { name: seeded.study.name }).waitFor();

    // Invite a judge through the form; the link is shown once.
    await admin.getByLabel('Name').fill('dr-live');
    await admin.getByLabel('Quota').fill('5');
    await admin.getByRole('button', { name: 'Invite' }).click();
    const inviteUrl = (await admin.getByTestId('invite-url').innerText()).trim();
    expect(inviteUrl).toMatch(/\/judge#token=ta_judge_/);

    // The dashboard in a second page (same tab session: it reuses the admin token).
    await admin.getByRole('link', { name: /live dashboard/ }).click();
    // "live", then "live · updated <time>" once the first snapshot is drawn.
    await admin.getByRole('status').filter({ hasText: /^live/ }).waitFor();
    expect(await admin.getByTestId('verdicts').innerText()).toBe('0');

    const judgeContext = await env.browser.newContext({
      viewport: { width: 1024, height: 768 },
      hasTouch: true,
    });
    const judge = await judgeContext.newPage();
    await judge.goto(inviteUrl);
    await judge.getByRole('dialog', { name: 'Guidelines' }).waitFor();
    await judge.getByRole('heading', { name: 'Left', exact: true }).waitFor();
    // keys straight after closing the guidelines count (they used to be lost until a re-render
    // re-attached the key handler: this test failed about half the time then)
    await judge.keyboard.press('Escape');
    await judge.keyboard.press('ArrowLeft');
    await judge.keyboard.press('Enter');
    await judge.getByTestId('progress').filter({ hasText: '1 / 5 judged' }).waitFor();

    // No reload: the websocket brings the verdict within a second or so.
    await admin.getByTestId('verdicts').filter({ hasText: /^1$/ }).waitFor({ timeout: 3000 });
    await admin.locator('[data-pair] circle').waitFor();
    const [a, b] = seeded.systemNames as [string, string];
    expect(await admin.locator(`[data-pair="${a}|${b}"]`).count()).toBe(1);
    await judge.keyboard.press('ArrowRight');
    await judge.keyboard.press('Enter');
    await admin.getByTestId('verdicts').filter({ hasText: /^2$/ }).waitFor({ timeout: 3000 });
    await admin.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });
    await judge.screenshot({ path: artifactPath('judge-page-tablet.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await judgeContext.close();
    await adminContext.close();
  });

  it('keeps every figure readable with 170-character system names (they ran over the rates and out of the cards)', async () => {
    const long = `Ωmega-模型-مرحبا-${'λ'.repeat(150)}-end`;
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 2 }, (_, i) => ({ question: `Long names ${i}?`, traces: {} })),
      names: [long, 'base'],
    });
    const { token } = await invite(env.server.tdb.db, seeded.study.id, 'dr-long');
    const judgeApi = async (path: string, body?: unknown) =>
      fetch(`${env.server.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
    const next = (await (await judgeApi('/api/judge/next')).json()) as {
      assignment: { id: string };
    };
    const verdict = await judgeApi(`/api/judge/assignments/${next.assignment.id}/verdict`, {
      winner: 'left',
      axes: {},
    });
    expect(verdict.status).toBe(200);

    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.baseUrl}/admin#token=${env.server.adminToken}`);
    await page.getByRole('link', { name: seeded.study.name }).waitFor();
    await page.goto(`${env.server.baseUrl}/dashboard/${seeded.study.id}`);
    await page.locator('[data-pair] circle').first().waitFor();
    const layout = await page.evaluate(() => {
      const name = document.querySelector<SVGTextElement>('[data-pair] [data-label="name"]')!;
      const rate = document.querySelector<SVGTextElement>('[data-pair] [data-label="rate"]')!;
      const nameBox = name.getBBox();
      return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        nameRight: nameBox.x + nameBox.width,
        rateLeft: rate.getBBox().x,
        label: name.textContent,
        // every card holds its table: no table wider than its card
        spilled: [...document.querySelectorAll<HTMLElement>('.card')].filter(
          (card) => card.scrollWidth > card.clientWidth + 1,
        ).length,
      };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport);
    expect(layout.spilled).toBe(0);
    expect(layout.nameRight).toBeLessThan(layout.rateLeft);
    expect(layout.label).toMatch(/^Ωmega-模型-مرحبا-λ+…$/);
    await page.screenshot({ path: artifactPath('dashboard-long-names.png'), fullPage: true });
    await context.close();
  });
});
