import { describe, expect, it } from 'vitest';
import { lockedPlanSchema, planResponseSchema } from '../../shared/plan.ts';
import { planHash } from '../../server/plan/canonical.ts';
import { itemsForHalfWidth } from '../../server/stats/sample-size.ts';
import { requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { seedStudy } from './seed.ts';

requireBuiltClient();

/**
 * The admin page's analysis plan panel (issue 16 items 3 and 4, docs/plan.md): the sample-size
 * calculator answers as `plan power`, its answer fills the plan, the plan is locked from the page
 * and the page shows its SHA-256, the same the server stored and the canonical JSON gives.
 */
describe('analysis plan panel in Chromium', () => {
  const env = useServerAndBrowser();

  it('computes the sample size, locks the plan and shows its hash', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 3 }, (_, i) => ({ question: `Question ${i}?`, traces: {} })),
    });
    const [candidate, baseline] = seeded.systemNames as [string, string];
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.baseUrl}/admin#token=${env.server.adminToken}`);
    await page.getByRole('link', { name: seeded.study.name, exact: true }).click();
    await page.getByRole('heading', { name: 'Analysis plan' }).waitFor();

    // the calculator: the page's defaults are the example (0.6, ICC 0.2, 3 per item, ±0.05)
    const calculator = page.getByRole('form', { name: 'Sample-size calculator' });
    await calculator.getByLabel('Verdicts per item').fill('3');
    await calculator.getByRole('button', { name: 'Compute' }).click();
    const expected = itemsForHalfWidth(
      { rate: 0.6, icc: 0.2, verdictsPerItem: 3 },
      0.05,
      0.95,
    ).value!;
    const answer = page.getByTestId('power-answer');
    await answer.waitFor();
    expect(await answer.innerText()).toContain(
      `${expected.items} items needed (${expected.verdicts} verdicts): expected half-width ${expected.halfWidth.toFixed(4)}`,
    );
    await answer.getByRole('button', { name: `Use ${expected.items} items in the plan` }).click();

    const form = page.getByRole('form', { name: 'Lock the analysis plan' });
    await form.getByLabel('System A (its win rate)').selectOption(candidate);
    await form.getByLabel('System B').selectOption(baseline);
    await form.getByLabel('Ties').selectOption('exclude');
    await form.getByLabel('Judges per comparison').fill('3');
    expect(await form.getByLabel('Planned items').inputValue()).toBe(String(expected.items));
    await form.getByRole('button', { name: 'Lock plan' }).click();

    const hash = page.getByTestId('plan-hash');
    await hash.waitFor();
    const res = await fetch(`${env.server.baseUrl}/api/studies/${seeded.study.id}/plan`, {
      headers: { authorization: `Bearer ${env.server.adminToken}` },
    });
    const stored = lockedPlanSchema.parse(planResponseSchema.parse(await res.json()).plan);
    expect(stored.plan).toEqual({
      version: 1,
      primary: { a: candidate, b: baseline },
      metric: { kind: 'win-rate', ties: 'exclude' },
      interval: { ci: 'auto', level: 0.95 },
      judgesPerComparison: 3,
      stopping: { rule: 'fixed' },
      items: expected.items,
    });
    expect(stored.sha256).toBe(planHash(stored.plan));
    expect(await hash.innerText()).toBe(stored.sha256);
    // the lock form is gone: a locked plan is shown, never edited
    expect(await page.getByRole('form', { name: 'Lock the analysis plan' }).count()).toBe(0);

    // after a reload the page still shows the plan and its hash
    await page.reload();
    await page.getByTestId('plan-hash').waitFor();
    expect(await page.getByTestId('plan-hash').innerText()).toBe(stored.sha256);
    expect(await page.getByTestId('locked-plan').innerText()).toContain(
      `win rate of ${candidate} against ${baseline}`,
    );
    await context.close();
  }, 120_000);
});
