import { readFileSync } from 'node:fs';
import stdlibBeta from '@stdlib/random-base-beta';
import pmf from '@stdlib/stats-base-dists-binomial-pmf';
import { describe, expect, it } from 'vitest';
import { addScore, emptyMoments } from '../../../server/stats/moments.ts';
import { summarizePair, type SummaryOptions } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { wilsonInterval } from '../../../server/stats/wilson.ts';
import { winLossLeans } from './helpers.ts';

/**
 * Coverage of the default 95% interval (docs/statistics.md has the table and the candidates
 * that were compared). One verdict per item: this first study's column is Wilson (the default
 * then; Agresti–Coull since issue 10's second pass, coverage-grid.test.ts), and its coverage is computed
 * exactly by summing the binomial distribution (no Monte Carlo error). Five verdicts per item
 * with item-level heterogeneity (item rate ~ Beta with mean p and concentration κ = 4, intra-item
 * correlation 0.2, design effect 1.8): the default is cluster-Wilson; its coverage is simulated
 * (seeded) beside the clustered percentile bootstrap (`--ci bootstrap`, the former default) and
 * Wilson on all verdicts as if they were independent, which is what the default protects against.
 */
const RATES = [0.5, 0.7, 0.86, 0.97];
const SIZES = [20, 100, 1000];
const LEVEL = 0.95;
const KAPPA = 4;
const PER_ITEM = 5;
const REPLICATIONS = 800;
const ROUNDS = 400;

function exactWilsonCoverage(n: number, p: number): number {
  let cover = 0;
  for (let k = 0; k <= n; k++) {
    const ci = wilsonInterval(k, n, LEVEL).value!;
    if (ci[0] <= p && p <= ci[1]) cover += pmf(k, n, p);
  }
  return cover;
}

interface Coverage {
  clusterWilson: number;
  bootstrap: number;
  naive: number;
}

function simulateClustered(n: number, p: number, seed: number): Coverage {
  const rng = createRng(seed);
  // the bootstrap draws from its own stream, so the simulated studies do not depend on it
  const bootRng = createRng(seed + 7_000_000);
  const factory = stdlibBeta.factory as unknown as (o: {
    prng: () => number;
  }) => (a: number, b: number) => number;
  const beta = factory({ prng: () => rng.nextFloat() });
  const hits: Coverage = { clusterWilson: 0, bootstrap: 0, naive: 0 };
  const covers = (ci: readonly [number, number] | null) => ci !== null && ci[0] <= p && p <= ci[1];
  const sums = new Float64Array(n);
  const counts = new Float64Array(n).fill(PER_ITEM);
  const opts: Omit<SummaryOptions, 'ci'> = {
    ties: 'half',
    level: LEVEL,
    rounds: ROUNDS,
    rng: () => bootRng,
  };
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
    const clusters = { sums, counts, ...winLossLeans(sums, counts) };
    const auto = summarizePair(m, clusters, { ...opts, ci: 'auto' });
    expect(auto.ciMethod).toBe('cluster-wilson');
    if (covers(auto.ci.value)) hits.clusterWilson++;
    if (covers(summarizePair(m, clusters, { ...opts, ci: 'bootstrap' }).ci.value)) hits.bootstrap++;
    if (covers(wilsonInterval(m.sum, m.n, LEVEL).value)) hits.naive++;
  }
  return {
    clusterWilson: hits.clusterWilson / REPLICATIONS,
    bootstrap: hits.bootstrap / REPLICATIONS,
    naive: hits.naive / REPLICATIONS,
  };
}

describe('coverage of the default 95% interval', () => {
  it('covers 93–97% (above only where discreteness makes it conservative); and the unclustered interval under-covers clustered data', () => {
    const rows: Array<Record<string, string | number>> = [];
    const results = new Map<string, Coverage & { wilson: number }>();
    for (const n of SIZES) {
      for (const p of RATES) {
        const wilson = exactWilsonCoverage(n, p);
        const sim = simulateClustered(n, p, 1000 * n + Math.round(p * 100));
        results.set(`${n}/${p}`, { wilson, ...sim });
        rows.push({
          items: n,
          rate: p,
          'wilson 1/item (exact)': wilson.toFixed(3),
          'cluster-wilson 5/item (default)': sim.clusterWilson.toFixed(3),
          'bootstrap 5/item': sim.bootstrap.toFixed(3),
          'wilson unclustered 5/item': sim.naive.toFixed(3),
        });
      }
    }
    console.table(rows);
    // Monte Carlo standard error of a simulated coverage near 0.95 with 800 replications: 0.8%;
    // the run is seeded, so the figures above are reproducible.
    for (const n of SIZES) {
      for (const p of RATES) {
        const r = results.get(`${n}/${p}`)!;
        // Wilson (exact, no Monte Carlo error): 93–97% from 100 items on. At 20 items the
        // binomial's discreteness makes any interval's coverage oscillate with p (0.949–0.979
        // here): over 97% is conservative, so we assert it never falls below 93%.
        expect(r.wilson).toBeGreaterThanOrEqual(0.93);
        if (n >= 100) expect(r.wilson).toBeLessThanOrEqual(0.97);
        // Cluster-Wilson (the default here): 93–97% in every cell but 20 items at p = 0.97, where its
        // true coverage is ~0.971 (0.966–0.974 over seeds, docs/statistics.md): ~12% of such studies
        // are all wins, which the interval always covers (lower bound 0.958), the same discreteness
        // that makes Wilson conservative at 20 items. There: at least 93% and at most 98%.
        const discrete = n === 20 && p === 0.97;
        expect(r.clusterWilson).toBeGreaterThanOrEqual(0.93);
        expect(r.clusterWilson).toBeLessThanOrEqual(discrete ? 0.98 : 0.97);
        // the reason the default exists: ignoring the clustering under-covers, by a margin
        expect(r.naive).toBeLessThan(0.93);
        expect(r.naive).toBeLessThan(r.clusterWilson - 0.04);
      }
    }
  });
});

describe('what coverage is attainable at 20 items and a true rate of 0.97', () => {
  it('no interval whose covering set of outcomes is a contiguous run lands in 93–97%', () => {
    // With one verdict per item the number of wins X ~ Binomial(20, 0.97). An interval that is
    // monotone in X covers 0.97 for a contiguous run of outcomes; a sensible one covers X = 20
    // (all wins), so its coverage is a tail sum P(X >= k). Those sums jump from 0.880 to 0.979:
    // the 93–97% band is out of reach of every non-randomised interval, Wilson's 0.979 included.
    const n = 20;
    const p = 0.97;
    const attainable: number[] = [];
    for (let lo = 0; lo <= n; lo++) {
      for (let hi = lo; hi <= n; hi++) {
        let s = 0;
        for (let x = lo; x <= hi; x++) s += pmf(x, n, p);
        attainable.push(s);
      }
    }
    expect(attainable.filter((c) => c >= 0.93 && c <= 0.97)).toEqual([]);
    const tails = Array.from({ length: 4 }, (_, i) => {
      let s = 0;
      for (let x = n - i; x <= n; x++) s += pmf(x, n, p);
      return Number(s.toFixed(3));
    });
    expect(tails).toEqual([0.544, 0.88, 0.979, 0.997]);
  });
});

describe('Wilson with one verdict per item, and the five other candidates (exact coverage, scipy/statsmodels reference)', () => {
  // test/fixtures/stats/coverage.json, from scripts/reference/generate.py: the exact coverage of
  // six 95% intervals on the grid, and on every rate 0.500..0.990 by 0.001 for 20, 50 and
  // 100 items (share of rates covered 93–97%, worst rate, mean).
  interface Summary {
    n: number;
    inBand: number;
    min: number;
    mean: number;
  }
  const ref = JSON.parse(
    readFileSync(new URL('../../fixtures/stats/coverage.json', import.meta.url), 'utf8'),
  ) as {
    grid: { sizes: number[]; rates: number[]; coverage: Record<string, number[][]> };
    dense: { sizes: number[]; rates: [number, number, number]; summary: Record<string, Summary[]> };
  };

  it("our Wilson's exact coverage equals the reference's, on the grid and on 491 rates per size", () => {
    ref.grid.sizes.forEach((n, i) =>
      ref.grid.rates.forEach((p, j) =>
        expect(exactWilsonCoverage(n, p)).toBeCloseTo(ref.grid.coverage.wilson![i]![j]!, 9),
      ),
    );
    ref.dense.sizes.forEach((n, i) => {
      const covs: number[] = [];
      for (let k = 0; k <= 490; k++)
        covs.push(exactWilsonCoverage(n, Number((0.5 + 0.001 * k).toFixed(3))));
      const want = ref.dense.summary.wilson![i]!;
      expect(covs.filter((c) => c >= 0.93 && c <= 0.97).length / covs.length).toBeCloseTo(
        want.inBand,
        12,
      );
      expect(Math.min(...covs)).toBeCloseTo(want.min, 9);
    });
  });

  it('no candidate covers 93–97% at more rates than Wilson; the one that fits the grid best fails badly elsewhere', () => {
    const methods = Object.keys(ref.dense.summary);
    expect(methods).toEqual(
      expect.arrayContaining([
        'wilson',
        'jeffreys',
        'agresti_coull',
        'clopper_pearson',
        'wald',
        'arcsine',
      ]),
    );
    const summary = (m: string) => ref.dense.summary[m]!;
    for (const m of methods)
      summary(m).forEach((s, i) =>
        expect(s.inBand).toBeLessThanOrEqual(summary('wilson')[i]!.inBand),
      );
    // Wilson is outside the band on the grid only at 20 items: 0.975 at 0.70 (conservative) and
    // 0.979 at 0.97 (where no interval can be inside, see above).
    const grid = ref.grid.coverage;
    const outside = (m: string) =>
      ref.grid.sizes.flatMap((n, i) =>
        ref.grid.rates.flatMap((p, j) => {
          const c = grid[m]![i]![j]!;
          return c < 0.93 || c > 0.97 ? [`${n}/${p}`] : [];
        }),
      );
    expect(outside('wilson')).toEqual(['20/0.7', '20/0.97']);
    // The arcsine interval misses the band on this grid only where nothing can hit it, which would
    // make it the grid's winner; between the grid's rates it covers as little as 61% (p = 0.952 at
    // 20 items, near 0.99 at 50 and 100).
    expect(outside('arcsine')).toEqual(['20/0.97']);
    for (const s of summary('arcsine')) expect(s.min).toBeLessThan(0.62);
    // Jeffreys, the other close candidate, under-covers at 100 items and a rate of 0.97 (0.921).
    expect(outside('jeffreys')).toEqual(['20/0.97', '100/0.97']);
  });
});
