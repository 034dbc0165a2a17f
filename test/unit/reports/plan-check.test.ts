import { describe, expect, it } from 'vitest';
import type { LockedPlan } from '../../../shared/plan.ts';
import { reportOptionsSchema, type PairReport } from '../../../shared/report.ts';
import { planCheck } from '../../../server/reports/plan-check.ts';

const locked: LockedPlan = {
  plan: {
    version: 1,
    primary: { a: 'sft', b: 'base' },
    metric: { kind: 'win-rate', ties: 'half' },
    interval: { ci: 'cluster-wilson', level: 0.95 },
    judgesPerComparison: 3,
    stopping: { rule: 'fixed' },
    items: 100,
  },
  sha256: 'a'.repeat(64),
  lockedAt: '2026-11-30T09:00:00.000Z',
  lockedBy: 'test',
  forced: false,
  verdictsAtLock: 0,
};

const pair = (a: string, b: string, ciMethod: PairReport['ciMethod']) =>
  ({ a, b, ciMethod }) as PairReport;
const opts = (o: Record<string, unknown> = {}) => reportOptionsSchema.parse(o);

describe('planCheck: a report against its locked plan', () => {
  it("follows a plan naming a method when 'auto' chose it, or the method is named, the pair either way round", () => {
    for (const o of [opts(), opts({ ci: 'cluster-wilson' })])
      for (const p of [
        pair('sft', 'base', 'cluster-wilson'),
        pair('base', 'sft', 'cluster-wilson'),
      ])
        expect(planCheck(locked, o, [p])).toEqual({
          sha256: locked.sha256,
          lockedAt: locked.lockedAt,
          forced: false,
          deviates: false,
          deviations: [],
        });
  });

  it("lists 'auto' that chose another method, another level, ties and a missing pair", () => {
    expect(planCheck(locked, opts(), [pair('sft', 'base', 'wilson')]).deviations).toEqual([
      { field: 'ci', planned: 'cluster-wilson', used: 'auto (wilson)' },
    ]);
    const check = planCheck(locked, opts({ ci: 'bootstrap', level: 0.99, ties: 'exclude' }), [
      pair('sft', 'rl', 'bootstrap'),
    ]);
    expect(check.deviates).toBe(true);
    expect(check.deviations).toEqual([
      { field: 'pair', planned: 'sft vs base', used: 'absent' },
      { field: 'ci', planned: 'cluster-wilson', used: 'bootstrap' },
      { field: 'level', planned: '0.95', used: '0.99' },
      { field: 'ties', planned: 'half', used: 'exclude' },
    ]);
  });
});
