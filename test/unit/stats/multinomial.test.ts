import binomialPmf from '@stdlib/stats-base-dists-binomial-pmf';
import { describe, expect, it } from 'vitest';
import { createBinomial, createMultinomial } from '../../../server/stats/multinomial.ts';
import { createRng, type Rng } from '../../../server/stats/rng.ts';

/** An Rng that counts the uniforms drawn from it. */
function counting(rng: Rng): Rng & { floats: number } {
  const c = {
    floats: 0,
    nextUint32: () => rng.nextUint32(),
    nextInt: (n: number) => rng.nextInt(n),
    nextFloat: () => {
      c.floats++;
      return rng.nextFloat();
    },
  };
  return c;
}

/**
 * Pearson's χ² of `draws` against the exact pmf (stdlib's, an implementation independent of the
 * sampler), cells merged from the tails until each expects at least 5.
 */
function chiSquare(draws: Int32Array, n: number, p: number): { stat: number; df: number } {
  const observed = new Float64Array(n + 1);
  for (const x of draws) observed[x]!++;
  const cells: Array<[number, number]> = [];
  let o = 0;
  let e = 0;
  for (let x = 0; x <= n; x++) {
    o += observed[x] as number;
    e += draws.length * binomialPmf(x, n, p);
    if (e >= 5) {
      cells.push([o, e]);
      o = 0;
      e = 0;
    }
  }
  const last = cells.at(-1) as [number, number];
  last[0] += o;
  last[1] += e;
  const stat = cells.reduce((s, [oc, ec]) => s + (oc - ec) ** 2 / ec, 0);
  return { stat, df: cells.length - 1 };
}

/** scipy.stats.chi2.ppf(0.999, df) for df = 1..40; above, Wilson–Hilferty (within 0.2%). */
const CHI2_999 = [
  10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59, 31.26, 32.91, 34.53, 36.12,
  37.7, 39.25, 40.79, 42.31, 43.82, 45.31, 46.8, 48.27, 49.73, 51.18, 52.62, 54.05, 55.48, 56.89,
  58.3, 59.7, 61.1, 62.49, 63.87, 65.25, 66.62, 67.99, 69.35, 70.7, 72.05, 73.4,
];

function chi2Critical(df: number): number {
  if (df <= CHI2_999.length) return CHI2_999[df - 1] as number;
  const z = 3.090232; // the standard normal's 0.999 quantile
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

describe('binomial variates', () => {
  const cases: Array<[number, number]> = [
    [125_000, 3 / 125_000], // n·p < 10: inversion
    [2000, 0.003],
    [7, 0.5],
    [40, 0.9], // p > ½: n − Binomial(n, 1 − p)
    [1000, 0.013], // n·p ≥ 10: BTRS
    [1000, 0.3],
    [125_000, 0.37],
  ];
  for (const [n, p] of cases) {
    it(`Binomial(${n}, ${p.toPrecision(3)}) has the exact distribution (χ² at 0.1%)`, () => {
      const binomial = createBinomial(createRng(11, `${n}:${p}`));
      const draws = Int32Array.from({ length: 20_000 }, () => binomial(n, p));
      const { stat, df } = chiSquare(draws, n, p);
      expect(df).toBeGreaterThan(0);
      expect(stat).toBeLessThan(chi2Critical(df));
    });
  }

  it('costs O(1 + n·p) uniforms, not O(n) (stdlib sums n Bernoullis when n·p < 10)', () => {
    const rng = counting(createRng(5));
    const binomial = createBinomial(rng);
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += binomial(1_000_000, 2e-6);
    expect(Math.abs(sum / 1000 - 2)).toBeLessThan(0.3);
    expect(rng.floats).toBeLessThan(1100);
  });

  it('is unbiased where the rejection method takes over (stdlib 0.2.2 averaged 13.48 for 13)', () => {
    const binomial = createBinomial(createRng(4));
    const draws = 400_000;
    let sum = 0;
    for (let i = 0; i < draws; i++) sum += binomial(1000, 0.013);
    const se = Math.sqrt((1000 * 0.013 * 0.987) / draws);
    expect(Math.abs(sum / draws - 13)).toBeLessThan(4 * se);
  });

  it('handles the edges', () => {
    const binomial = createBinomial(createRng(1));
    expect([binomial(0, 0.3), binomial(10, 0), binomial(10, 1)]).toEqual([0, 0, 10]);
  });
});

describe('multinomial counts by conditional binomials', () => {
  it('sums to the total and has the multinomial means and variances', () => {
    const sizes = Float64Array.from([500, 3, 1, 1, 200, 7, 40_000, 2, 1, 9]);
    const all = sizes.reduce((s, v) => s + v, 0);
    const sample = createMultinomial(sizes, createRng(3));
    const rounds = 20_000;
    const sum = new Float64Array(sizes.length);
    const sq = new Float64Array(sizes.length);
    const out = new Float64Array(sizes.length);
    for (let r = 0; r < rounds; r++) {
      sample(out, all);
      expect(out.reduce((s, v) => s + v, 0)).toBe(all);
      for (let g = 0; g < sizes.length; g++) {
        sum[g]! += out[g] as number;
        sq[g]! += (out[g] as number) ** 2;
      }
    }
    sizes.forEach((size, g) => {
      const p = size / all;
      const mean = (sum[g] as number) / rounds;
      const variance = (sq[g] as number) / rounds - mean ** 2;
      const sd = Math.sqrt(all * p * (1 - p));
      // the mean of 20,000 draws: 5 standard errors
      expect(Math.abs(mean - all * p)).toBeLessThan((5 * sd) / Math.sqrt(rounds));
      expect(Math.abs(variance / (all * p * (1 - p)) - 1)).toBeLessThan(0.1);
    });
  });
});
