import { describe, expect, it } from 'vitest';
import { momentsFromCounts } from '../../../server/stats/moments.ts';
import { summarizePair } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { monotoneReport, nearUnanimous } from '../../../scripts/coverage-monotone.ts';

/**
 * Monotone in the verdicts (docs/statistics.md, "Monotone in the verdicts"): a study one verdict
 * better (a loss turned into a tie, a tie into a win) must not get a lower bound or, leaning to a,
 * a larger p-value. With one verdict per item the default now is; with several it is not, and the
 * figures the docs give are recomputed here.
 */
const opts = {
  ci: 'auto' as const,
  ties: 'half' as const,
  level: 0.95,
  rounds: 0,
  rng: () => createRng(1),
};
const oneEach = (w: number, t: number, l: number) => {
  const n = w + t + l;
  const clusters = {
    sums: new Float64Array(n),
    counts: new Float64Array(n).fill(1),
    towardA: new Float64Array(n),
    towardB: new Float64Array(n),
  };
  return summarizePair(momentsFromCounts(w, l, t, 'half'), clusters, opts);
};

describe('one verdict per item: the default (Agresti–Coull by added verdicts) is monotone', () => {
  it('9 wins and a tie no longer beat 10 wins (p 0.0002 against 0.0046 before)', () => {
    const ten = oneEach(10, 0, 0);
    const nineAndTie = oneEach(9, 1, 0);
    expect(ten.ciMethod).toBe('agresti-coull');
    // 10 wins: Agresti–Coull itself (statsmodels: [0.6791, 1])
    expect(ten.ci.value![0]).toBeCloseTo(0.6791, 4);
    expect(ten.pValue.value!).toBeCloseTo(0.0046, 4);
    expect(nineAndTie.ci.value![0]).toBeLessThan(ten.ci.value![0]);
    expect(nineAndTie.pValue.value!).toBeGreaterThan(ten.pValue.value!);
    // all ties: an interval about ½ that its neighbours bracket, not the all-agree rule's [0.24, 0.76]
    const ties = oneEach(0, 10, 0).ci.value!;
    expect(ties[0]).toBeCloseTo(0.361, 3);
    expect(ties[1]).toBeCloseTo(0.639, 3);
  });

  it('no bound falls and no p-value rises, over every study of 10, 20 and 100 items with ties', () => {
    for (const n of [10, 20, 100]) {
      const r = monotoneReport(n, 1, true);
      expect(r.pairs).toBe(n * (n + 1));
      expect([r.boundFalls, r.pRises], r.design).toEqual([0, 0]);
    }
  });
});

describe('several verdicts per item: the default is not monotone (the figures docs/statistics.md gives)', () => {
  it('counts the pairs one verdict apart where a bound falls or the p-value rises', () => {
    const rows = (
      [
        [10, 2, false],
        [10, 2, true],
        [20, 2, false],
        [10, 5, false],
      ] as const
    ).map(([i, m, t]) => {
      const r = monotoneReport(i, m, t);
      return [r.design, r.pairs, r.boundFalls, Number(r.worstFall.toFixed(3)), r.pRises];
    });
    expect(rows).toEqual([
      ['10 items × 2/item', 110, 2, 0.054, 2],
      ['10 items × 2/item, ties', 12012, 722, 0.21, 89],
      ['20 items × 2/item', 420, 2, 0.038, 5],
      ['10 items × 5/item', 10010, 1000, 0.18, 154],
    ]);
  });

  it('near all wins on 10 items × 5: the profile likelihood is not monotone either, by much less', () => {
    const [all, one, twoSpread, oneItem] = nearUnanimous();
    // the default: 48 wins with the losses on two items is far surer than 50 of 50
    expect(all!.ci[0]).toBeCloseTo(0.661, 3);
    expect(twoSpread!.ci[0]).toBeCloseTo(0.862, 3);
    expect(twoSpread!.p).toBeLessThan(1e-7);
    expect(all!.p).toBeGreaterThan(0.01);
    // the likelihood, with the item correlation profiled out, also ranks 48-of-50-spread above
    // 50 of 50 (a unanimous study cannot rule out strongly clustered items), but by 0.034, not 0.2
    expect(twoSpread!.profile[0] - all!.profile[0]).toBeGreaterThan(0);
    expect(twoSpread!.profile[0] - all!.profile[0]).toBeLessThan(0.04);
    expect(twoSpread!.ci[0] - all!.ci[0]).toBeGreaterThan(0.2);
    // and both put 48 of 50 with both losses on one item below 50 of 50
    expect(oneItem!.profile[0]).toBeLessThan(all!.profile[0]);
    expect(oneItem!.ci[0]).toBeLessThan(all!.ci[0]);
    expect(one!.ci[0]).toBeGreaterThan(all!.ci[0]);
  });
});
