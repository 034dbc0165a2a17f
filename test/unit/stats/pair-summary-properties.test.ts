import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizePair } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { load } from './helpers.ts';

/** A study: 1–25 items of 1–6 verdicts, scores from {0, ½, 1} or any fraction in [0, 1]. */
const score = fc.oneof(
  fc.constantFrom(0, 0.5, 1),
  fc.double({ min: 0, max: 1, noNaN: true }).map((x) => Math.round(x * 1000) / 1000),
);
const study = fc.array(fc.array(score, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 25,
});
const method = fc.constantFrom(
  'auto',
  'wilson',
  'agresti-coull',
  'cluster-wilson',
  'exact',
  'normal',
  'bootstrap',
);
const ties = fc.constantFrom('half' as const, 'exclude' as const);
const level = fc.constantFrom(0.8, 0.9, 0.95, 0.99);

describe('every method, every study (fast-check)', () => {
  it('the interval lies in [0, 1] and contains the estimate; the p-value agrees with it about ½', () => {
    fc.assert(
      fc.property(study, method, ties, level, fc.nat(1000), (items, ci, t, lv, seed) => {
        const { m, clusters } = load(items, t);
        const s = summarizePair(m, clusters, {
          ci,
          ties: t,
          level: lv,
          rounds: 200,
          rng: () => createRng(seed),
        });
        if (s.ci.value === null) return;
        const [lo, hi] = s.ci.value;
        const p = s.winRate.value!;
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(p + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(p - 1e-12);
        expect(s.pValue.value).not.toBeNull();
        const excludes = lo > 0.5 || hi < 0.5;
        expect(excludes).toBe(s.pValue.value! < 1 - lv);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a row and its mirror image (fast-check)', () => {
  const mirror = (items: number[][]) => items.map((it) => it.map((s) => 1 - s));
  const summary = (items: number[][], ci: 'auto' | 'cluster-wilson', t: 'half' | 'exclude') => {
    const { m, clusters } = load(items, t);
    return summarizePair(m, clusters, {
      ci,
      ties: t,
      level: 0.95,
      rounds: 200,
      rng: () => createRng(1),
    });
  };
  const expectMirrored = (
    items: number[][],
    ci: 'auto' | 'cluster-wilson',
    t: 'half' | 'exclude',
  ) => {
    const x = summary(items, ci, t);
    const y = summary(mirror(items), ci, t);
    if (x.ci.value === null) {
      expect(y.ci.value).toBeNull();
    } else {
      expect(y.ci.value![0]).toBeCloseTo(1 - x.ci.value[1], 9);
      expect(y.ci.value![1]).toBeCloseTo(1 - x.ci.value[0], 9);
      expect(y.pValue.value!).toBeCloseTo(x.pValue.value!, 9);
    }
  };

  it('a-vs-b says what b-vs-a says: the interval mirrored about ½ and the same p-value', () => {
    fc.assert(
      fc.property(
        study,
        fc.constantFrom('auto' as const, 'cluster-wilson' as const),
        ties,
        (items, ci, t) => expectMirrored(items, ci, t),
      ),
      { numRuns: 3000, seed: 20261130 },
    );
  });

  it('fractional scores averaging ½ choose the same side behind both ways (their sums round an ulp apart)', () => {
    // the review's case: a's total sums to 0.49999999999999994 of the weight, b's to exactly ½
    const items = [[0.75], [0.18, 0.25, 0.75, 0.25], [0.72, 0.4, 0.38], [0.28, 0.6, 0.82, 0.62]];
    expectMirrored(items, 'auto', 'half');
  });
});
