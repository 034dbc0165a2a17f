import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../server/db/client.ts';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm.ts';
import {
  artifactPath,
  launchBrowser,
  requireBuiltClient,
  startServer,
  type E2eServer,
} from './helpers.ts';
import { seedStudy } from './seed.ts';

requireBuiltClient();

const KEY_ENV = 'FAKE_LLM_E2E_KEY';
const KEY = 'sk-test-e2e-do-not-show';

describe('LLM-judge runs from the admin page in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;
  let fake: FakeLlm;

  beforeAll(async () => {
    // The run reads its key from the server process's environment, by the name the form sends.
    process.env[KEY_ENV] = KEY;
    fake = await startFakeLlm({ latencyMs: 250 });
    // The operator's allowlist: the fake provider's URL and this key variable.
    server = await startServer({
      TRACEARENA_LLM_ENDPOINTS: fake.openaiBaseUrl,
      TRACEARENA_LLM_KEY_ENVS: KEY_ENV,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
    delete process.env[KEY_ENV];
  });

  it('starts a run against an OpenAI-compatible judge and watches it complete on the admin page and the dashboard', async () => {
    const seeded = await seedStudy(server.tdb.db, {
      items: Array.from({ length: 4 }, (_, i) => ({ question: `LLM question ${i}?`, traces: {} })),
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    const admin = await context.newPage();
    admin.on('pageerror', (e) => pageErrors.push(e.message));
    await admin.goto(`${server.baseUrl}/admin#token=${server.adminToken}`);
    await admin.getByRole('link', { name: seeded.study.name }).click();
    await admin.getByRole('heading', { name: seeded.study.name }).waitFor();
    await admin.getByRole('heading', { name: 'LLM judges' }).waitFor();

    // The dashboard, open before the run starts, in a second page of the same admin.
    const dashboard = await context.newPage();
    dashboard.on('pageerror', (e) => pageErrors.push(e.message));
    await dashboard.goto(
      `${server.baseUrl}/dashboard/${seeded.study.id}#token=${server.adminToken}`,
    );
    await dashboard.getByRole('status').filter({ hasText: /^live/ }).waitFor();
    expect(await dashboard.getByTestId('dashboard-runs').count()).toBe(0);

    // A key pasted where the variable's name belongs is refused before anything is sent.
    const form = admin.getByRole('form', { name: 'Start an LLM-judge run' });
    await form.getByLabel('Models').fill('gpt-4o');
    await form.getByLabel('Base URL').fill(fake.openaiBaseUrl);
    await form.getByLabel('API key variable').fill('sk-live-abc');
    await form.getByRole('button', { name: 'Start run' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: /never a key/ })
      .waitFor();
    expect(fake.requests).toHaveLength(0);

    await form.getByLabel('API key variable').fill(KEY_ENV);
    expect(await form.getByLabel('Swap positions').isChecked()).toBe(true);
    await form.getByLabel('Concurrency').fill('1');
    await form.getByLabel('Max cost (USD)').fill('5');
    await form.getByRole('button', { name: 'Start run' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: /Run started/ })
      .waitFor();

    // Live on the admin page: running with figures, then completed with every order judged.
    const row = admin.locator('[data-testid="llm-runs"] tbody tr').first();
    await row.waitFor();
    const runId = await row.getAttribute('data-run');
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    // Dashboard: the run appears while it runs (4 items × 2 orders at 250 ms each, one at a time).
    const dashRow = dashboard.locator(`[data-testid="dashboard-runs"] tr[data-run="${runId}"]`);
    await dashRow.waitFor({ timeout: 5000 });
    await dashboard
      .locator(`[data-testid="dashboard-runs"] tr[data-run="${runId}"][data-status="running"]`)
      .waitFor({ timeout: 5000 });

    const done = admin.locator(`tr[data-run="${runId}"][data-status="completed"]`);
    await done.waitFor({ timeout: 30_000 });
    expect(await done.getByTestId('run-done').innerText()).toBe('8 / 8');
    expect(await done.getByTestId('run-failed').innerText()).toBe('0');
    expect(await done.getByTestId('run-cost').innerText()).toMatch(/^\$0\.0\d{3} of \$5\.00$/);
    expect(await done.innerText()).toMatch(/9\.6k \/ 640/); // 8 calls × 1200 in / 80 out

    const dashDone = dashboard.locator(
      `[data-testid="dashboard-runs"] tr[data-run="${runId}"][data-status="completed"]`,
    );
    await dashDone.waitFor({ timeout: 5000 });
    expect(await dashDone.getByTestId('run-done').innerText()).toBe('8 / 8');
    expect(await dashDone.getByTestId('run-cost').innerText()).toBe(
      await done.getByTestId('run-cost').innerText(),
    );
    // The LLM's verdicts count on the dashboard like any judge's.
    await dashboard.getByTestId('verdicts').filter({ hasText: /^8$/ }).waitFor({ timeout: 5000 });
    await admin.screenshot({ path: artifactPath('admin-llm-run.png'), fullPage: true });
    await dashboard.screenshot({ path: artifactPath('dashboard-llm-run.png'), fullPage: true });

    // The fake provider was called with the key from the server's environment; the key never
    // reached a page, and the verdicts are stored, one per (assignment, order).
    expect(fake.requests).toHaveLength(8);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(fake.requests.every((r) => r.images.length === 1)).toBe(true);
    for (const page of [admin, dashboard]) expect(await page.content()).not.toContain(KEY);
    const [stored] = await queryRows<{ n: number; orders: number }>(
      server.tdb.db,
      sql`select count(*)::int as n, count(distinct (v.assignment_id, v.shown_left))::int as orders
          from verdicts v join judges j on j.id = v.judge_id
          where j.study_id = ${seeded.study.id} and j.kind = 'llm'`,
    );
    expect(stored).toEqual({ n: 8, orders: 8 });

    // A run whose every call fails ends failed, with its reason on the admin page (it showed
    // "completed · 0 / 8" without one).
    fake.script(() => ({ kind: 'status', status: 503, retryAfter: '0.01', latencyMs: 0 }));
    await form.getByLabel('Models').fill('gpt-4o-mini');
    await form.getByLabel('Concurrency').fill('8');
    await form.getByRole('button', { name: 'Start run' }).click();
    const failed = admin.locator('[data-testid="llm-runs"] tbody tr[data-status="failed"]');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.getByTestId('run-error').innerText()).toMatch(
      /8 of 8 orders failed \(error 8\); last: error: .*503/,
    );
    expect(await failed.getByTestId('run-failed').innerText()).toMatch(/^8/);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
