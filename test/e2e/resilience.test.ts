import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { revokeJudge } from '../../server/auth/repository.ts';
import { loadConfig } from '../../server/config.ts';
import { createDatabase, queryRows, type Database } from '../../server/db/client.ts';
import { canStartCluster, startCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import { teardown } from '../helpers/teardown.ts';
import { launchBrowser, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
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

describe.runIf(canStartCluster() || process.env.CI === 'true')(
  'judge page while PostgreSQL restarts, in Chromium',
  () => {
    let cluster: PgCluster;
    let database: Database;
    let app: FastifyInstance;
    let browser: Browser;
    let baseUrl: string;
    beforeAll(async () => {
      cluster = await startCluster();
      database = await createDatabase({ databaseUrl: cluster.url });
      app = await buildApp({ database, logger: false, config: loadConfig({}) });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      browser = await launchBrowser();
    });
    afterAll(() =>
      teardown([
        { name: 'closing Chromium', run: () => browser?.close() },
        { name: 'closing the app', run: () => app?.close(), critical: true },
        {
          name: 'closing the database pool and listener',
          run: () => database?.close(),
          critical: true,
        },
        { name: 'destroying the scratch PostgreSQL', run: () => cluster?.destroy() },
      ]),
    );

    it('keeps a verdict made while the database is down (503) and stores it once when it is back', async () => {
      const seeded = await seedStudy(database.db, {
        items: Array.from({ length: 3 }, (_, i) => ({
          question: `Outage question ${i}?`,
          traces: {},
        })),
      });
      const judge = await invite(database.db, seeded.study.id, 'dr-outage');
      const page = await browser.newPage();
      await page.goto(`${baseUrl}/judge#token=${judge.token}`);
      await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('heading', { name: 'Left', exact: true }).waitFor();

      await cluster.stop('fast');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor();
      expect(await page.evaluate(() => localStorage.getItem('tracearena.outbox'))).toContain(
        '"winner":"left"',
      );
      await cluster.start();
      await page
        .getByTestId('progress')
        .filter({ hasText: '1 judged' })
        .waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => localStorage.getItem('tracearena.outbox'))).toBeNull();
      await page.getByRole('heading', { name: 'Left', exact: true }).waitFor();
      const rows = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from verdicts where judge_id = ${judge.judgeId}`,
      );
      expect(rows[0]?.n).toBe(1);
      await page.close();
    });
  },
);
