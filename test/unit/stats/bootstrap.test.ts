import { describe, expect, it } from 'vitest';
import {
  bootstrapRatioReplicates,
  clusteredBootstrap,
  clusteredBootstrapInterval,
} from '../../../server/stats/bootstrap.ts';
import { quantileSorted, refitBootstrapInterval } from '../../../server/stats/percentile.ts';
import { createResampler } from '../../../server/stats/resample.ts';
import { createRng } from '../../../server/stats/rng.ts';

function clusters(scores: number[][]) {
  return {
    sums: Float64Array.from(scores.map((s) => s.reduce((a, b) => a + b, 0))),
    counts: Float64Array.from(scores.map((s) => s.length)),
  };
}

describe('clustered bootstrap', () => {
  const data = clusters(
    Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? [1, 1, 0.5] : i % 3 === 0 ? [0] : [1, 0])),
  );

  it('is reproducible from its seed', () => {
    const a = clusteredBootstrapInterval(data, 0.95, 500, createRng(3));
    const b = clusteredBootstrapInterval(data, 0.95, 500, createRng(3));
    expect(a).toEqual(b);
    expect(a.value![0]).toBeLessThan(a.value![1]);
  });

  it('gives the same distribution through multinomial group counts and through index resampling', () => {
    const m = bootstrapRatioReplicates(data, 4000, createRng(1), 'multinomial');
    const x = bootstrapRatioReplicates(data, 4000, createRng(2), 'index');
    const mean = (v: Float64Array) => v.reduce((s, y) => s + y, 0) / v.length;
    const sd = (v: Float64Array) =>
      Math.sqrt(v.reduce((s, y) => s + (y - mean(v)) ** 2, 0) / (v.length - 1));
    expect(Math.abs(mean(m) - mean(x))).toBeLessThan(0.003);
    expect(Math.abs(sd(m) / sd(x) - 1)).toBeLessThan(0.08);
    const total = data.sums.reduce((s, v) => s + v, 0) / data.counts.reduce((s, v) => s + v, 0);
    expect(Math.abs(mean(m) - total)).toBeLessThan(0.003);
  });

  it('returns null with a reason for no clusters', () => {
    expect(clusteredBootstrapInterval(clusters([]), 0.95, 100, createRng(1)).reason).toBeTypeOf(
      'string',
    );
  });

  it('takes percentiles like numpy (linear interpolation)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.025)).toBeCloseTo(1.1, 12);
  });
});

describe('bootstraps with no spread to measure: null with a reason, never a zero-width interval', () => {
  it('one item: no interval and no p-value (it gave [0.625, 0.625] and p = 0)', () => {
    const r = clusteredBootstrap(clusters([[1, 1, 0, 0.5]]), 0.95, 500, createRng(1));
    expect(r.ci.value).toBeNull();
    expect(r.ci.reason).toMatch(/fewer than 2 items/);
    expect(r.pValue.value).toBeNull();
  });

  it('every item all wins: every resample is 1 (it gave [1, 1] and p = 0)', () => {
    const r = clusteredBootstrap(
      clusters(Array.from({ length: 10 }, () => [1, 1])),
      0.95,
      500,
      createRng(1),
    );
    expect(r.ci.value).toBeNull();
    expect(r.ci.reason).toMatch(/zero width/);
    expect(r.pValue.value).toBeNull();
  });

  it('a refitted bootstrap (length/style control) whose rounds all agree, or with one item', () => {
    const same = refitBootstrapInterval(
      new Float64Array(200).fill(0.625),
      0.625,
      { m: 1, n: 1 },
      0.95,
    );
    expect(same.value).toBeNull();
    expect(same.reason).toMatch(/fewer than 2 items/);
    const flat = refitBootstrapInterval(
      new Float64Array(200).fill(0.7),
      0.7,
      { m: 30, n: 30 },
      0.95,
    );
    expect(flat.value).toBeNull();
    expect(flat.reason).toMatch(/zero width/);
    const spread = refitBootstrapInterval(
      Float64Array.from({ length: 200 }, (_, i) => 0.6 + i / 2000),
      0.65,
      { m: 30, n: 30 },
      0.95,
    );
    expect(spread.value![0]).toBeLessThan(spread.value![1]);
  });
});

describe('multinomial resampler', () => {
  it('draws unbiased group counts where n·p ≥ 10 (stdlib binomial v0.2.2 averaged 13.48 for 13)', () => {
    // 1,000 clusters, 13 alike: copies of that group ~ Binomial(1000, 0.013), mean 13, var 12.831
    const sizes = new Float64Array([13, 987]);
    const groups = { clusters: 1000, sizes, groupOf: new Int32Array(1000) };
    const draw = createResampler(groups, createRng(7), 'multinomial');
    const out = new Float64Array(2);
    const rounds = 40_000;
    let sum = 0;
    let sq = 0;
    for (let r = 0; r < rounds; r++) {
      draw(out);
      expect(out[0]! + out[1]!).toBe(1000);
      sum += out[0]!;
      sq += out[0]! ** 2;
    }
    const mean = sum / rounds;
    const variance = sq / rounds - mean ** 2;
    // 4 standard errors of the mean (0.0179 each)
    expect(Math.abs(mean - 13)).toBeLessThan(4 * Math.sqrt(12.831 / rounds));
    expect(Math.abs(variance / 12.831 - 1)).toBeLessThan(0.05);
  });
});
