import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers.ts';

describe('the API docs page in Chromium', () => {
  const env = useServerAndBrowser();

  it('renders the API under its CSP with no violation', async () => {
    const page = await env.browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(`${env.server.baseUrl}/docs`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByText('/api/judge/next', { exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('TraceArena');
    expect(violations).toEqual([]);
    await page.close();
  });
});
