import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
/** axe-core's browser build, read from node_modules: nothing is fetched at run time. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page and returns its serious and critical violations. The source is
 * evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not
 * govern, so the page is checked under its real policy.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[] }>;
      }>;
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Opens the judge page with a token and closes the guidelines shown first. */
export async function openJudgePage(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/judge#token=${token}`);
  await page.getByRole('dialog', { name: 'Guidelines' }).waitFor();
  await page.keyboard.press('Escape');
  await waitForComparison(page, null);
}

/** Waits until a comparison whose question differs from `previous` is on screen and idle. */
export async function waitForComparison(page: Page, previous: string | null): Promise<string> {
  await page.waitForFunction(
    (prev) => {
      const q = document.querySelector('.question .markdown');
      const c = document.querySelector('.comparison');
      return (
        q !== null &&
        c?.getAttribute('aria-busy') === 'false' &&
        (prev === null || q.textContent !== prev)
      );
    },
    previous,
    { polling: 'raf' },
  );
  return page.locator('.question .markdown').first().innerText();
}

export interface Box {
  name: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * The boxes a judge must see without scrolling: the question, the image, the first line of each
 * trace, the overall verdict buttons and Submit. The first line is measured with a Range over
 * the trace's first text, so a pane that starts scrolled away would fail.
 */
export function firstScreenBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() => {
    const box = (name: string, r: DOMRect | null | undefined) =>
      r ? { name, top: r.top, left: r.left, bottom: r.bottom, right: r.right } : null;
    const firstLine = (selector: string) => {
      const root = document.querySelector(selector);
      if (!root) return null;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        return range.getClientRects()[0] ?? null;
      }
      return null;
    };
    const all = [
      box('question heading', document.querySelector('#question-heading')?.getBoundingClientRect()),
      box('question text', firstLine('.question-text')),
      box('trace left, first line', firstLine('.trace-left .trace-body')),
      box('trace right, first line', firstLine('.trace-right .trace-body')),
      box('submit', document.querySelector('.actions .primary')?.getBoundingClientRect()),
      ...[...document.querySelectorAll('[data-row="row-overall"] [role="radio"]')].map((b, i) =>
        box(`overall button ${i + 1}`, b.getBoundingClientRect()),
      ),
    ];
    const image = document.querySelector('.image-frame canvas');
    if (image) all.push(box('image', image.getBoundingClientRect()));
    return all.filter((b): b is NonNullable<typeof b> => b !== null);
  });
}
