import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../server/db/client.ts';
import { decideFlag, listFlags } from '../../server/integrity/service.ts';
import { requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

describe('blinding on the wire, in Chromium', () => {
  const env = useServerAndBrowser();

  it('never shows a system name or id anywhere a judge can see: HTML, storage, requests or responses', async () => {
    // Two outputs name a model (docs/integrity.md): item 4's is held out of the queue, item 5's
    // redacted by the admin; neither original may reach the judge, the redaction must.
    const leaks = [
      "I'm GPT-4o, and the image shows a nodule.",
      'Claude here. The image shows a mass.',
    ];
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 6 }, (_, i) => ({
        question: `Question ${i}: what does the image show?`,
        traces: {},
      })),
      leaks: { 4: leaks[0]!, 5: leaks[1]! },
    });
    const flags = await listFlags(env.server.tdb.db, { studyId: seeded.study.id });
    expect(flags.map((f) => f.trace).sort()).toEqual([...leaks].sort());
    const redacted = await decideFlag(env.server.tdb.db, {
      studyId: seeded.study.id,
      outputId: flags.find((f) => f.trace === leaks[1])!.outputId,
      decision: { action: 'redact' },
    });
    expect(redacted.redactedTrace).toBe('[redacted]. The image shows a mass.');
    const judge = await invite(env.server.tdb.db, seeded.study.id, 'dr-blind');
    const comparisonIds = (
      await queryRows<{ id: string }>(
        env.server.tdb.db,
        sql`select id from comparisons where study_id = ${seeded.study.id}`,
      )
    ).map((r) => r.id);
    const secrets = [
      ...seeded.systemNames,
      ...seeded.systems.map((s) => s.id),
      ...comparisonIds,
      seeded.pairing.pairingId,
      ...leaks,
      'gpt-4o',
      'claude here',
    ];

    const seen: string[] = [];
    const page = await env.browser.newPage();
    page.on('request', (r) => {
      seen.push(`${r.method()} ${r.url()}\n${JSON.stringify(r.headers())}\n${r.postData() ?? ''}`);
    });
    const pending: Array<Promise<void>> = [];
    page.on('response', (r) => {
      pending.push(
        r
          .body()
          .then(
            (b) =>
              void seen.push(`${r.url()} ${JSON.stringify(r.headers())}\n${b.toString('latin1')}`),
          )
          .catch(() => undefined),
      );
    });
    // anything the page hears over a websocket is what a judge receives too
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => void seen.push(String(f.payload)));
      ws.on('framesent', (f) => void seen.push(String(f.payload)));
    });
    const snapshot = async () => {
      seen.push(await page.content());
      seen.push(
        await page.evaluate(
          () =>
            JSON.stringify({ ...localStorage }) +
            JSON.stringify({ ...sessionStorage }) +
            document.cookie,
        ),
      );
    };

    await page.goto(`${env.server.baseUrl}/judge#token=${judge.token}`);
    await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
    await snapshot();
    await page.keyboard.press('Escape');
    // five comparisons: items 0-3 and item 5's redaction (item 4's is held)
    const keys = [
      ['ArrowLeft', '1', '2', '3'],
      ['ArrowRight'],
      ['s'],
      ['ArrowDown', '3'],
      ['ArrowLeft'],
    ];
    for (const sequence of keys) {
      await page.waitForFunction(
        () => document.querySelector('.comparison')?.getAttribute('aria-busy') === 'false',
      );
      const before = await page.locator('.question .markdown').first().textContent();
      await snapshot();
      for (const k of sequence) await page.keyboard.press(k);
      await snapshot();
      if (sequence[0] !== 's') await page.keyboard.press('Enter');
      await page.waitForFunction(
        (prev) =>
          document.querySelector('.state') !== null ||
          (document.querySelector('.question .markdown')?.textContent !== prev &&
            document.querySelector('.comparison')?.getAttribute('aria-busy') === 'false'),
        before,
      );
    }
    await page.getByRole('heading', { name: /All done/ }).waitFor();
    await snapshot();
    await Promise.all(pending);

    const haystack = seen.join('\n').toLowerCase();
    expect(seen.length).toBeGreaterThan(20);
    for (const secret of secrets)
      expect(haystack.includes(secret.toLowerCase()), secret).toBe(false);
    // Sanity check that the capture works: the question texts are in it.
    expect(haystack).toContain('question 0: what does the image show?');
    // the judge saw item 5 as redacted, and never item 4
    expect(haystack).toContain('[redacted]. the image shows a mass.');
    expect(haystack).not.toContain('question 4: what does the image show?');
    await page.close();
  });
});
