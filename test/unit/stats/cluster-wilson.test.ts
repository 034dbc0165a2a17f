import { describe, expect, it } from 'vitest';
import {
  clusterWilsonInterval,
  designEffect,
  expectedItemsHolding,
  HOLDER_FACTOR,
  MINORITY_FACTOR,
} from '../../../server/stats/cluster-wilson.ts';
import { addLean, addScore, emptyMoments } from '../../../server/stats/moments.ts';
import { summarizePair } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { wilsonInterval } from '../../../server/stats/wilson.ts';
import { expectFigure, expectInterval, fixture } from './helpers.ts';

interface Case {
  name: string;
  items: number[][];
  level: number;
  deff: number | null;
  effectiveN: number | null;
  interval: [number, number] | null;
}

/** Scores per item → moments (ties half) and clusters; an extra empty item must be ignored. */
function load(items: number[][], padEmpty: boolean) {
  const m = emptyMoments();
  const all = padEmpty ? [...items, []] : items;
  const sums = new Float64Array(all.length);
  const counts = new Float64Array(all.length);
  const towardA = new Float64Array(all.length);
  const towardB = new Float64Array(all.length);
  all.forEach((scores, i) => {
    for (const s of scores) {
      addScore(m, s, 'half');
      sums[i]! += s;
      counts[i]!++;
      addLean(towardA, towardB, i, s);
    }
  });
  return { m, clusters: { sums, counts, towardA, towardB } };
}

describe('cluster-Wilson interval matches statsmodels (cluster-robust OLS, Wilson on n*) to 1e-6', () => {
  for (const c of fixture<Case[]>('cluster-wilson.json')) {
    for (const padEmpty of [false, true]) {
      it(`${c.name}, level ${c.level}${padEmpty ? ', with an item left empty' : ''}`, () => {
        const { m, clusters } = load(c.items, padEmpty);
        const d = designEffect(clusters, m);
        expectFigure({ value: d.value?.deff ?? null, reason: d.reason }, c.deff);
        if (c.effectiveN !== null) {
          expect(Math.abs(d.value!.effectiveN - c.effectiveN)).toBeLessThan(1e-6 * c.effectiveN);
        }
        expectInterval(clusterWilsonInterval(clusters, m, c.level), c.interval);
      });
    }
  }
});

describe('cluster-Wilson', () => {
  it('is the default when some item has several verdicts; bootstrap stays selectable', () => {
    const { m, clusters } = load(
      [
        [1, 1, 0],
        [1, 0.5],
        [0, 0, 1],
        [1, 1, 1],
      ],
      false,
    );
    const opts = { ties: 'half' as const, level: 0.95, rounds: 200, rng: () => createRng(1) };
    const auto = summarizePair(m, clusters, { ...opts, ci: 'auto' });
    expect(auto.ciMethod).toBe('cluster-wilson');
    expect(auto.ci).toEqual(clusterWilsonInterval(clusters, m, 0.95));
    expect(summarizePair(m, clusters, { ...opts, ci: 'bootstrap' }).ciMethod).toBe('bootstrap');
  });

  it('is at least as wide as Wilson when verdicts are win/loss and clustered', () => {
    const { m, clusters } = load(
      Array.from({ length: 30 }, (_, i) => (i % 4 ? [1, 1, 1] : [0, 0, 1])),
      false,
    );
    const cw = clusterWilsonInterval(clusters, m, 0.95).value!;
    const w = wilsonInterval(m.sum, m.n, 0.95).value!;
    expect(cw[0]).toBeLessThan(w[0]);
    expect(cw[1]).toBeGreaterThan(w[1]);
  });

  it('rejects a level outside (0, 1)', () => {
    const { m, clusters } = load([[1], [0]], false);
    expect(() => clusterWilsonInterval(clusters, m, 1)).toThrow(RangeError);
  });
});

describe("the minority cap's spread exemption", () => {
  const fourOnFour = [
    ...Array(4).fill([...Array(19).fill(1), 0]),
    ...Array(6).fill(Array(20).fill(1)),
  ];
  const fourOnOne = [[...Array(16).fill(1), 0, 0, 0, 0], ...Array(9).fill(Array(20).fill(1))];

  it('expects as many items as random verdicts reach (scipy hypergeom reference)', () => {
    // 10 items of 20 leaning verdicts, 4 drawn: 10 · (1 − hypergeom.pmf(0, 200, 20, 4))
    expect(expectedItemsHolding(new Map([[20, 10]]), 4)).toBeCloseTo(3.461105713152749, 12);
    // 5 items of 1 and 5 of 4 (and items with none, which hold nothing), 3 drawn
    const mixed = new Map([
      [1, 5],
      [4, 5],
      [0, 3],
    ]);
    expect(expectedItemsHolding(mixed, 3)).toBeCloseTo(2.7086956521739136, 12);
    // two verdicts on a million items of one verdict each always sit on two items (the log
    // binomials' difference gave 2.0000000058, past the exemption's 1e-9 allowance)
    expect(expectedItemsHolding(new Map([[1, 1_000_000]]), 2)).toBe(2);
    // 10 items of 200: 150 drawn (the log1p sum) and 1,500 (the log-binomial path), against
    // 10 · (1 − hypergeom.pmf(0, 2000, 200, m)) from scipy
    expect(expectedItemsHolding(new Map([[200, 10]]), 150)).toBeCloseTo(9.99999928932304, 12);
    expect(expectedItemsHolding(new Map([[200, 10]]), 1500)).toBeCloseTo(10, 12);
    // more drawn than any other item can hold: every item is reached
    expect(expectedItemsHolding(new Map([[2, 3]]), 5)).toBeCloseTo(3, 12);
  });

  it('lifts the cap when the losses sit on as many items as random ones would', () => {
    // four losses on four of ten items (random verdicts would reach 3.46): the variance's n_eff
    const spread = load(fourOnFour, false);
    const d = designEffect(spread.clusters, spread.m).value!;
    expect(d.spread).toBe(true);
    expect(d.capped).toBe(false);
    expect(d.effectiveN).toBeCloseTo(200, 9);
    // without the exemption the cap holds it at N₁(1 + 2L + H/4) = 10 · (1 + 4/4): four items
    // show a loss, each outnumbered by its wins (L = 0, H = 4)
    const before = designEffect(spread.clusters, spread.m, 'cap-always').value!;
    expect(before.capped).toBe(true);
    expect(before.effectiveN).toBeCloseTo(20, 9);
    // the same four losses on one item: clustered, the cap stays (N₁(1 + 1/4) = 12.5; 30 before
    // HOLDER_FACTOR, when every item holding a loss counted as 2)
    const clustered = load(fourOnOne, false);
    const c = designEffect(clustered.clusters, clustered.m).value!;
    expect(c.spread).toBe(false);
    expect(c.capped).toBe(true);
    expect(c.effectiveN).toBeCloseTo(12.5, 9);
  });

  it('needs two verdicts behind: one loss says nothing of spread', () => {
    const one = load([[...Array(19).fill(1), 0], ...Array(9).fill(Array(20).fill(1))], false);
    const d = designEffect(one.clusters, one.m).value!;
    expect(d.spread).toBe(false);
    expect(d.effectiveN).toBeCloseTo(12.5, 9);
  });

  it('counts an item the side behind leans as MINORITY_FACTOR items, one where it is outnumbered as HOLDER_FACTOR', () => {
    // 100 items, one loss in all (one verdict behind: no spread exemption). On an item of two
    // verdicts it holds half the item (L = 1): cap N₁(1 + 2) = 300, above the variance's n_eff
    // of 199, so it does not bind
    const even = load([[1, 0], ...Array(99).fill([1, 1])], false);
    const e = designEffect(even.clusters, even.m).value!;
    expect(e.capped).toBe(false);
    expect(e.effectiveN).toBeCloseTo(199, 6);
    // on an item of three it is outnumbered (H = 1): cap N₁(1 + 1/4) = 125 binds on n_eff ≈ 299
    const outnumbered = load([[1, 1, 0], ...Array(99).fill([1, 1, 1])], false);
    const o = designEffect(outnumbered.clusters, outnumbered.m).value!;
    expect(o.capped).toBe(true);
    expect(o.effectiveN).toBeCloseTo(100 * (1 + HOLDER_FACTOR), 9);
    expect(HOLDER_FACTOR).toBeLessThan(MINORITY_FACTOR);
  });

  it('gives a row and its mirror image the same design', () => {
    for (const items of [fourOnFour, fourOnOne]) {
      const a = load(items, false);
      const b = load(
        items.map((it) => it.map((s: number) => 1 - s)),
        false,
      );
      const da = designEffect(a.clusters, a.m).value!;
      const db = designEffect(b.clusters, b.m).value!;
      expect(db.effectiveN).toBeCloseTo(da.effectiveN, 9);
      expect(db.spread).toBe(da.spread);
    }
  });
});
