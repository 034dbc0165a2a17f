import stdlibBeta from '@stdlib/random-base-beta';
import pmf from '@stdlib/stats-base-dists-binomial-pmf';
import { describe, expect, it } from 'vitest';
import { addScore, emptyMoments } from '../../../server/stats/moments.ts';
import { summarizePair } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { wilsonInterval } from '../../../server/stats/wilson.ts';

/**
 * Coverage of the default 95% interval. One verdict per item: the default is Wilson, and its
 * coverage is computed exactly by summing the binomial distribution (no Monte Carlo error).
 * Five verdicts per item with item-level heterogeneity (item rate ~ Beta with mean p and
 * concentration κ = 4, intra-item correlation 0.2, design effect 1.8): the default is the
 * clustered bootstrap; coverage is simulated (seeded), and compared with Wilson on all verdicts
 * as if they were independent, which is what the default protects against.
 */
const RATES = [0.5, 0.7, 0.86, 0.97];
const SIZES = [20, 100, 1000];
const LEVEL = 0.95;
const KAPPA = 4;
const PER_ITEM = 5;
const REPLICATIONS = 600;
const ROUNDS = 400;

function exactWilsonCoverage(n: number, p: number): number {
  let cover = 0;
  for (let k = 0; k <= n; k++) {
    const ci = wilsonInterval(k, n, LEVEL).value!;
    if (ci[0] <= p && p <= ci[1]) cover += pmf(k, n, p);
  }
  return cover;
}

function simulateClustered(
  n: number,
  p: number,
  seed: number,
): { bootstrap: number; naive: number } {
  const rng = createRng(seed);
  const factory = stdlibBeta.factory as unknown as (o: {
    prng: () => number;
  }) => (a: number, b: number) => number;
  const beta = factory({ prng: () => rng.nextFloat() });
  let bootCover = 0;
  let naiveCover = 0;
  const sums = new Float64Array(n);
  const counts = new Float64Array(n).fill(PER_ITEM);
  for (let r = 0; r < REPLICATIONS; r++) {
    const m = emptyMoments();
    for (let i = 0; i < n; i++) {
      const pi = beta(p * KAPPA, (1 - p) * KAPPA);
      let s = 0;
      for (let v = 0; v < PER_ITEM; v++) {
        const win = rng.nextFloat() < pi ? 1 : 0;
        s += win;
        addScore(m, win, 'half');
      }
      sums[i] = s;
    }
    const summary = summarizePair(
      m,
      { sums, counts },
      { ci: 'auto', ties: 'half', level: LEVEL, rounds: ROUNDS, rng: () => rng },
    );
    expect(summary.ciMethod).toBe('bootstrap');
    const ci = summary.ci.value;
    if (ci && ci[0] <= p && p <= ci[1]) bootCover++;
    const naive = wilsonInterval(m.sum, m.n, LEVEL).value!;
    if (naive[0] <= p && p <= naive[1]) naiveCover++;
  }
  return { bootstrap: bootCover / REPLICATIONS, naive: naiveCover / REPLICATIONS };
}

describe('coverage of the default 95% interval', () => {
  it('covers 93–97% where the sample supports it, and the unclustered interval under-covers clustered data', () => {
    const rows: Array<Record<string, string | number>> = [];
    const results = new Map<string, { wilson: number; bootstrap: number; naive: number }>();
    for (const n of SIZES) {
      for (const p of RATES) {
        const wilson = exactWilsonCoverage(n, p);
        const { bootstrap, naive } = simulateClustered(n, p, 1000 * n + Math.round(p * 100));
        results.set(`${n}/${p}`, { wilson, bootstrap, naive });
        rows.push({
          items: n,
          rate: p,
          'wilson 1/item (exact)': wilson.toFixed(3),
          'bootstrap 5/item': bootstrap.toFixed(3),
          'wilson unclustered 5/item': naive.toFixed(3),
        });
      }
    }
    console.table(rows);
    // Monte Carlo standard error of a simulated coverage near 0.95 with 600 replications: 0.9%;
    // the run is seeded, so the figures above are reproducible.
    for (const n of SIZES) {
      for (const p of RATES) {
        const r = results.get(`${n}/${p}`)!;
        // Wilson (exact, no Monte Carlo error): 93–97% from 100 items on. At 20 items the
        // binomial's discreteness makes any interval's coverage oscillate with p (0.949–0.979
        // here): over 97% is conservative, so we assert it never falls below 93%.
        expect(r.wilson).toBeGreaterThanOrEqual(0.93);
        if (n >= 100) expect(r.wilson).toBeLessThanOrEqual(0.97);
        // Clustered bootstrap (the default here): 93–97%, except at p = 0.97 with ≤ 100 items,
        // where items whose verdicts are all wins dominate, many resamples are all wins, and the
        // percentile interval hugs 1 (a known small-sample failure of the percentile bootstrap near
        // the boundary): there it reaches only ~0.89–0.92, which we assert and report.
        const boundary = p === 0.97 && n <= 100;
        if (boundary) expect(r.bootstrap).toBeGreaterThanOrEqual(0.85);
        else {
          expect(r.bootstrap).toBeGreaterThanOrEqual(0.93);
          expect(r.bootstrap).toBeLessThanOrEqual(0.97);
          // the reason the default exists: ignoring the clustering under-covers, by a margin
          expect(r.naive).toBeLessThan(r.bootstrap - 0.04);
        }
        expect(r.naive).toBeLessThan(0.93);
      }
    }
  });
});
