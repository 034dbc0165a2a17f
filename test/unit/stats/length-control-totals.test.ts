import { describe, expect, it } from 'vitest';
import { lengthControlledWinRate, type LengthItem } from '../../../server/stats/length-control.ts';
import {
  lengthControlledFromTotals,
  type LengthTotals,
} from '../../../server/stats/length-control-totals.ts';
import { createRng, type Rng } from '../../../server/stats/rng.ts';

function study(rng: Rng, items: number): LengthItem[] {
  return Array.from({ length: items }, () => {
    const lengthA = 300 + Math.round(600 * rng.nextFloat());
    const lengthB = 250 + Math.round(400 * rng.nextFloat());
    const p = 1 / (1 + Math.exp(-(0.3 + (lengthA - lengthB) / 300)));
    const k = 1 + rng.nextInt(3);
    const scores = Array.from({ length: k }, () => {
      const u = rng.nextFloat();
      return u < 0.1 ? 0.5 : u < 0.1 + 0.9 * p ? 1 : 0;
    });
    return { lengthA, lengthB, scores };
  });
}

function totals(items: LengthItem[]): LengthTotals {
  return {
    diff: Float64Array.from(items, (i) => i.lengthA - i.lengthB),
    verdicts: Float64Array.from(items, (i) => i.scores.length),
    scoreSum: Float64Array.from(items, (i) => i.scores.reduce((s, x) => s + x, 0)),
  };
}

describe('length-controlled win rate on item totals', () => {
  it('equals length-control.ts (fit and every bootstrap round) when all items are drawn', () => {
    for (const [seed, n] of [
      [1, 40],
      [2, 300],
    ] as const) {
      const items = study(createRng(seed), n);
      const options = { level: 0.9, rounds: 300 };
      const ref = lengthControlledWinRate(items, { ...options, rng: createRng(7, 'lc') });
      const fast = lengthControlledFromTotals(totals(items), {
        ...options,
        rng: createRng(7, 'lc'),
        maxItemsPerRound: n,
      });
      expect(fast.winRate.value).toBeCloseTo(ref.winRate.value!, 10);
      expect(fast.lengthCoefficient.value).toBeCloseTo(ref.lengthCoefficient.value!, 10);
      expect(fast.ci.value![0]).toBeCloseTo(ref.ci.value![0], 9);
      expect(fast.ci.value![1]).toBeCloseTo(ref.ci.value![1], 9);
    }
  });

  it('gives the same reasons as length-control.ts when there is no fit', () => {
    const options = { level: 0.95, rounds: 10, maxItemsPerRound: 100 };
    const same = [1, 2, 3].map(() => ({ lengthA: 5, lengthB: 3, scores: [1, 0] }));
    const allWins = [1, 2, 3].map((l) => ({ lengthA: l, lengthB: 3, scores: [1] }));
    for (const items of [same, allWins, same.slice(0, 1)]) {
      const ref = lengthControlledWinRate(items, { ...options, rng: createRng(1) });
      const fast = lengthControlledFromTotals(totals(items), { ...options, rng: createRng(1) });
      expect(fast.winRate.reason).toBe(ref.winRate.reason);
      expect(fast.ci.reason).toBe(ref.ci.reason);
    }
  });

  it('m-out-of-n above the cap: about the full bootstrap interval', () => {
    const items = study(createRng(3), 8000);
    const data = totals(items);
    const options = { level: 0.95, rounds: 1000 };
    const full = lengthControlledFromTotals(data, {
      ...options,
      rng: createRng(9),
      maxItemsPerRound: 8000,
    });
    const capped = lengthControlledFromTotals(data, {
      ...options,
      rng: createRng(9),
      maxItemsPerRound: 500,
    });
    expect(capped.winRate.value).toBe(full.winRate.value);
    const width = (f: typeof full) => f.ci.value![1] - f.ci.value![0];
    // the m-out-of-n width estimates the same √n-scale spread (a 500-item bootstrap's SD has
    // ~2% Monte Carlo error; the shape differs at order 1/√m)
    expect(Math.abs(width(capped) / width(full) - 1)).toBeLessThan(0.1);
  });
});
