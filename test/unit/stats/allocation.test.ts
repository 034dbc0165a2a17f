import { describe, expect, it } from 'vitest';
import { planAllocation, widestHalfWidth } from '../../../server/stats/allocation.ts';
import { simulateAllocation } from '../../../server/stats/allocation-simulation.ts';

describe('adaptive allocation (server/stats/allocation.ts)', () => {
  it('reaches the same widest win-rate interval (±0.05) with at least 30% fewer verdicts than uniform, 6 systems in two tiers', () => {
    const strengths = [0, 0.2, 0.4, 1.5, 2.5, 3.5];
    let uniform = 0;
    let adaptive = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const u = simulateAllocation({ strengths, target: 0.05, seed, mode: 'uniform' });
      const a = simulateAllocation({ strengths, target: 0.05, seed, mode: 'adaptive' });
      expect(u.widest).toBeLessThanOrEqual(0.05);
      expect(a.widest).toBeLessThanOrEqual(0.05);
      uniform += u.verdicts;
      adaptive += a.verdicts;
    }
    const saving = 1 - adaptive / uniform;
    console.log(
      `adaptive allocation: ${uniform / 8} uniform vs ${adaptive / 8} adaptive verdicts, saving ${(100 * saving).toFixed(1)}%`,
    );
    expect(saving).toBeGreaterThanOrEqual(0.3);
  });

  it('costs nothing when the systems are equal (uniform is then the best plan)', () => {
    const strengths = [0, 0, 0, 0, 0, 0];
    let uniform = 0;
    let adaptive = 0;
    for (let seed = 1; seed <= 4; seed++) {
      uniform += simulateAllocation({ strengths, target: 0.05, seed, mode: 'uniform' }).verdicts;
      adaptive += simulateAllocation({ strengths, target: 0.05, seed, mode: 'adaptive' }).verdicts;
    }
    expect(adaptive / uniform).toBeLessThan(1.05);
  });

  it('sends the next verdicts to the widest pair, and respects what is left of each pair', () => {
    // three systems: pair (0,1) judged 40 times, (0,2) and (1,2) twice
    const totals = [
      { i: 0, j: 1, score: 20, n: 40 },
      { i: 0, j: 2, score: 1, n: 2 },
      { i: 1, j: 2, score: 1, n: 2 },
    ];
    const plan = planAllocation(3, totals, { picks: 6 });
    expect(plan[0]).not.toBe(0);
    expect(plan.filter((p) => p === 0).length).toBeLessThan(2);
    const capped = planAllocation(3, totals, { picks: 6, available: [5, 1, 0] });
    expect(capped.filter((p) => p === 1)).toHaveLength(1);
    expect(capped.filter((p) => p === 2)).toHaveLength(0);
    expect(capped).toHaveLength(6);
    expect(planAllocation(3, totals, { picks: 9, available: [1, 1, 1] })).toHaveLength(3);
    // the widest interval narrows as verdicts are added
    const more = totals.map((t) => ({ ...t, score: t.score * 10, n: t.n * 10 }));
    expect(widestHalfWidth(3, more)).toBeLessThan(widestHalfWidth(3, totals));
  });

  it('plans one pair in order when there are two systems', () => {
    expect(
      planAllocation(2, [{ i: 0, j: 1, score: 0, n: 0 }], { picks: 3, available: [2] }),
    ).toEqual([0, 0]);
  });
});
