import stdlibBeta from '@stdlib/random-base-beta';
import { describe, expect, it } from 'vitest';
import type { LeaningClusters } from '../../../server/stats/bootstrap.ts';
import { addScore, emptyMoments } from '../../../server/stats/moments.ts';
import { summarizePair } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import {
  expectedHalfWidth,
  expectedPower,
  itemsForHalfWidth,
  itemsForPower,
  type PlanDesign,
} from '../../../server/stats/sample-size.ts';
import { fixture, winLossLeans } from './helpers.ts';

interface Case {
  kind: 'halfWidth' | 'power';
  design: PlanDesign;
  target: number;
  level?: number;
  alpha?: number;
  items: number;
  halfWidth?: number;
  halfWidthOneFewer?: number | null;
  power?: number;
  closedForm?: number | null;
}

describe('sample size matches statsmodels and scipy (scripts/reference/sample_size.py)', () => {
  for (const c of fixture<Case[]>('sample-size.json')) {
    const d = c.design;
    it(`${c.kind} ${c.target}: rate ${d.rate}, ICC ${d.icc}, ${d.verdictsPerItem}/item`, () => {
      if (c.kind === 'halfWidth') {
        const s = itemsForHalfWidth(d, c.target, c.level!).value!;
        expect(s.items).toBe(c.items);
        expect(Math.abs(s.halfWidth - c.halfWidth!)).toBeLessThan(1e-9);
        if (c.halfWidthOneFewer != null)
          expect(
            Math.abs(expectedHalfWidth(d, c.items - 1, c.level!) - c.halfWidthOneFewer),
          ).toBeLessThan(1e-9);
      } else {
        const s = itemsForPower(d, c.target, c.alpha!).value!;
        expect(s.items).toBe(c.items);
        expect(Math.abs(s.power! - c.power!)).toBeLessThan(1e-9);
        // one verdict per item: the textbook closed form, rounded up, is the same count
        if (c.closedForm != null) expect(s.items).toBe(c.closedForm);
      }
    });
  }

  it('the power is α at a rate of ½ (z), below it with t; grows with items; plain refusals', () => {
    const d = { rate: 0.5, icc: 0.2, verdictsPerItem: 3 };
    expect(expectedPower({ ...d, verdictsPerItem: 1 }, 50, 0.05)).toBeCloseTo(0.05, 12);
    expect(expectedPower(d, 50, 0.05)).toBeLessThan(0.05);
    const a = { ...d, rate: 0.6 };
    expect(expectedPower(a, 100, 0.05)).toBeGreaterThan(expectedPower(a, 50, 0.05));
    expect(itemsForPower(d, 0.8, 0.05).reason).toMatch(/no alternative/);
    expect(() => itemsForHalfWidth({ ...a, icc: 1.5 }, 0.05, 0.95)).toThrow(/icc/);
    expect(() => itemsForHalfWidth(a, 0.6, 0.95)).toThrow(/half-width/);
    expect(() => itemsForPower(a, 0.01, 0.05)).toThrow(/power/);
    expect(itemsForHalfWidth(a, 1e-6, 0.95).reason).toMatch(/more than/);
  });
});

/**
 * Studies of the computed size, simulated as scripts/coverage-study.ts does: item rate pᵢ ~
 * Beta(p·κ, (1 − p)·κ), κ = 1/ICC − 1 (pᵢ = p at ICC 0), win/loss verdicts; each study gets the
 * report's default interval and p-value (summarizePair, ci 'auto').
 */
function simulate(d: PlanDesign, items: number, replications: number, seed: number) {
  const rng = createRng(seed);
  const factory = stdlibBeta.factory as unknown as (o: {
    prng: () => number;
  }) => (a: number, b: number) => number;
  const beta = factory({ prng: () => rng.nextFloat() });
  const m = d.verdictsPerItem;
  const kappa = d.icc > 0 ? 1 / d.icc - 1 : 0;
  const sums = new Float64Array(items);
  const counts = new Float64Array(items).fill(m);
  let clusters: LeaningClusters = { sums, counts, ...winLossLeans(sums, counts) };
  let halfWidth = 0;
  let rejected = 0;
  for (let r = 0; r < replications; r++) {
    const moments = emptyMoments();
    for (let i = 0; i < items; i++) {
      const p = kappa > 0 ? beta(d.rate * kappa, (1 - d.rate) * kappa) : d.rate;
      let s = 0;
      for (let v = 0; v < m; v++) {
        const score = rng.nextFloat() < p ? 1 : 0;
        s += score;
        addScore(moments, score, 'half');
      }
      sums[i] = s;
    }
    clusters = { sums, counts, ...winLossLeans(sums, counts) };
    const row = summarizePair(moments, clusters, {
      ci: 'auto',
      ties: 'half',
      level: 0.95,
      rounds: 0,
      rng: () => rng,
    });
    const [lo, hi] = row.ci.value!;
    halfWidth += (hi - lo) / 2;
    if (row.pValue.value! < 0.05) rejected++;
  }
  return { halfWidth: halfWidth / replications, power: rejected / replications };
}

describe('the computed size gives, in simulation, what it promises', () => {
  const designs: PlanDesign[] = [0, 0.2, 0.5].map((icc) => ({
    rate: 0.6,
    icc,
    verdictsPerItem: 3,
  }));
  designs.push({ rate: 0.7, icc: 0, verdictsPerItem: 1 });

  for (const [k, d] of designs.entries()) {
    it(`half-width 0.05 at ICC ${d.icc}, ${d.verdictsPerItem}/item: mean within 10%`, () => {
      const plan = itemsForHalfWidth(d, 0.05, 0.95).value!;
      const sim = simulate(d, plan.items, 1000, 1600 + k);
      expect(Math.abs(sim.halfWidth / 0.05 - 1)).toBeLessThan(0.1);
      // measured: within 2% of the target (docs/statistics.md)
      expect(Math.abs(sim.halfWidth / plan.halfWidth - 1)).toBeLessThan(0.03);
    });

    it(`power 0.8 at ICC ${d.icc}, ${d.verdictsPerItem}/item: achieved within 0.03`, () => {
      const plan = itemsForPower(d, 0.8, 0.05).value!;
      const sim = simulate(d, plan.items, 4000, 1700 + k);
      // 4,000 studies: Monte Carlo SD 0.0063
      expect(Math.abs(sim.power - plan.power!)).toBeLessThan(0.03);
    });
  }
});
