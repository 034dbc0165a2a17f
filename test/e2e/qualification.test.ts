/**
 * The qualification phase in Chromium (issue 18): a judge fails the training, retries and passes,
 * with feedback after each item; before passing they get no real comparison; no training answer
 * reaches the export or the report.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, requireBuiltClient, useServerAndBrowser } from './helpers.ts';
import { waitForComparison } from './judge-helpers.ts';
import { invite, seedStudy } from './seed.ts';

requireBuiltClient();

describe('qualification in Chromium', () => {
  const env = useServerAndBrowser();

  const http = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${env.server.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, text: await res.text() };
  };

  /** Answers the training item on screen and waits for its feedback. */
  async function answer(page: Page, choice: 'Left is better' | 'Tie' | 'Right is better') {
    await page.getByTestId('training-progress').waitFor();
    await page.getByRole('radio', { name: choice }).check();
    await page.getByRole('button', { name: 'Check my answer' }).click();
    await page.getByRole('heading', { name: /^(Correct|Not quite)$/ }).waitFor();
    return page.getByRole('heading', { name: /^(Correct|Not quite)$/ }).innerText();
  }

  it('fails, retries and passes the training with feedback; no real comparison before; no training answer in the export or report', async () => {
    const seeded = await seedStudy(env.server.tdb.db, {
      items: Array.from({ length: 4 }, (_, i) => ({
        question: `Question ${i}: what does the image show?`,
        traces: {},
      })),
    });
    const studyId = seeded.study.id;
    const [a, b] = seeded.systemNames as [string, string];
    const admin = env.server.adminToken;
    const settings = await http(admin, 'PUT', `/api/studies/${studyId}/qualification`, {
      required: true,
      passMark: 1,
      maxAttempts: 3,
      adjudicationRule: 'off',
    });
    expect(settings.status, settings.text).toBe(200);
    for (const [item, explanation] of [
      ['item-0', 'Both traces describe the **same finding**.'],
      ['item-1', 'Neither trace grounds its answer in the image.'],
    ]) {
      const added = await http(admin, 'POST', `/api/studies/${studyId}/qualification/items`, {
        item,
        a,
        b,
        winner: 'tie',
        explanation,
      });
      expect(added.status, added.text).toBe(201);
    }
    const judge = await invite(env.server.tdb.db, studyId, 'dr-trainee', 10);

    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${env.server.baseUrl}/judge#token=${judge.token}`);
    await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Training' }).waitFor();

    // Not passed yet: the server hands out no real comparison, and the page shows none.
    expect((await http(judge.token, 'POST', '/api/judge/next')).status).toBe(204);
    expect(await page.locator('.comparison').count()).toBe(0);

    // Attempt 1: the first item wrong — feedback says so, with the expected side and the explanation.
    expect(await page.getByTestId('training-progress').innerText()).toBe('Attempt 1 · item 1 of 2');
    expect(await answer(page, 'Left is better')).toBe('Not quite');
    expect(await page.getByTestId('training-expected').innerText()).toBe('Tie');
    await page.locator('.training-explanation strong', { hasText: 'same finding' }).waitFor();
    await page.screenshot({ path: artifactPath('training-feedback.png'), fullPage: true });
    await page.getByRole('button', { name: 'Next training comparison' }).click();
    expect(await answer(page, 'Tie')).toBe('Correct');
    await page.getByText('1 of 2 right: below the pass mark. You can try again.').waitFor();
    expect((await http(judge.token, 'POST', '/api/judge/next')).status).toBe(204);

    // Attempt 2: both right — passed, and judging starts.
    await page.getByRole('button', { name: 'Start attempt 2' }).click();
    await page
      .getByTestId('training-progress')
      .filter({ hasText: 'Attempt 2 · item 1 of 2' })
      .waitFor();
    expect(await answer(page, 'Tie')).toBe('Correct');
    await page.getByRole('button', { name: 'Next training comparison' }).click();
    expect(await answer(page, 'Tie')).toBe('Correct');
    await page.getByText('You passed: 2 of 2 right.').waitFor();
    await page.getByRole('button', { name: 'Start judging' }).click();
    await waitForComparison(page, null);

    // One real verdict.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.getByTestId('progress').filter({ hasText: '1 / 10 judged' }).waitFor();

    // The export and the report hold the one real verdict, none of the four training answers.
    const exported = await http(admin, 'GET', `/api/studies/${studyId}/export`);
    expect(exported.status).toBe(200);
    const lines = exported.text.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).judge).toBe('dr-trainee');
    const report = await http(admin, 'GET', `/api/studies/${studyId}/report`);
    expect(report.status, report.text).toBe(200);
    expect(JSON.parse(report.text).provenance.verdicts.count).toBe(1);

    // The judge-quality panel shows the judge passed on the second attempt.
    const quality = await http(admin, 'GET', `/api/studies/${studyId}/judge-quality`);
    expect(quality.status, quality.text).toBe(200);
    const trainee = (
      JSON.parse(quality.text) as Array<{ name: string; qualification: unknown }>
    ).find((j) => j.name === 'dr-trainee');
    expect(trainee?.qualification, quality.text).toMatchObject({
      status: 'passed',
      attempts: 2,
      lastScore: 1,
    });
    await page.close();
  });
});
