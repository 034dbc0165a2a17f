import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { revokeJudge } from '../../server/auth/repository.ts';
import { queryRows } from '../../server/db/client.ts';
import { requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

describe('judge page resilience in Chromium', () => {
  const env = useServerAndBrowser();

  it('keeps a verdict made offline and sends it exactly once when the connection returns; then shows a revoked invite', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 3 }, (_, i) => ({
        question: `Resilience question ${i}?`,
        traces: {},
      })),
    });
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-offline');
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(`${env.server.baseUrl}/judge#token=${judge.token}`);
    // The page itself is served under the strict policy.
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(res?.headers()['content-security-policy']).toContain("img-src 'self' data:");
    await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Left', exact: true }).waitFor();

    await context.setOffline(true);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('tracearena.outbox'))).toContain(
      '"winner":"left"',
    );
    // A reload while offline would lose nothing either: the outbox is in localStorage.
    await context.setOffline(false);
    await page.getByTestId('progress').filter({ hasText: '1 judged' }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => localStorage.getItem('tracearena.outbox'))).toBeNull();
    const rows = await queryRows<{ n: number }>(
      env.server.tdb.db,
      sql`select count(*)::int as n from verdicts where judge_id = ${judge.judgeId}`,
    );
    expect(rows[0]?.n).toBe(1);

    await revokeJudge(env.server.tdb.db, { judgeId: judge.judgeId });
    await page.getByRole('heading', { name: 'Left', exact: true }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'This invite has been revoked' }).waitFor();
    await context.close();
  });
});
