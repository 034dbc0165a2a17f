import { expect } from 'vitest';
import type { TestApp } from '../../helpers/app.ts';

/** The study's qualification settings with adjudication on any disagreement, no training required. */
export async function adjudicateDisagreements(t: TestApp, studyId: string): Promise<void> {
  const put = await t.req(t.admin, 'PUT', `/api/studies/${studyId}/qualification`, {
    required: false,
    passMark: 0.8,
    maxAttempts: 2,
    adjudicationRule: 'any_disagreement',
  });
  expect(put.statusCode, put.body).toBe(200);
}

/**
 * A judge gives every comparison the queue has for them a verdict, `body(question)` for each (the
 * item's question text as the judge sees it).
 */
export async function judgeEveryComparison(
  t: TestApp,
  token: string,
  body: (question: string) => Record<string, unknown>,
): Promise<void> {
  for (;;) {
    const next = await t.req(token, 'POST', '/api/judge/next');
    if (next.statusCode === 204) return;
    const { assignment } = next.json();
    const v = await t.req(
      token,
      'POST',
      `/api/judge/assignments/${assignment.id}/verdict`,
      body(assignment.item.question),
    );
    expect(v.statusCode, v.body).toBe(200);
  }
}
