import { describe, expect, it } from 'vitest';
import { createRng, Xoshiro128 } from '../../../server/stats/rng.ts';
import { fixture } from './helpers.ts';

describe('xoshiro128**', () => {
  it('matches the reference stream for state [1, 2, 3, 4]', () => {
    const ref = fixture<{ state: [number, number, number, number]; outputs: number[] }>(
      'xoshiro128.json',
    );
    const rng = new Xoshiro128(ref.state);
    expect(ref.outputs.map(() => rng.nextUint32())).toEqual(ref.outputs);
  });

  it('is reproducible from a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('draws bounded integers uniformly', () => {
    const rng = createRng(7);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[rng.nextInt(6)]!++;
    // each cell ~ Binomial(60000, 1/6): sd ≈ 91; 5 sd tolerance
    for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan(460);
    for (let i = 0; i < 1000; i++) {
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
  });
});

describe('xoshiro128** batch indices', () => {
  it('fillInts draws the same stream as nextInt and stays in range', () => {
    const a = new Xoshiro128(99);
    const b = new Xoshiro128(99);
    const buf = new Int32Array(1000);
    a.fillInts(buf, 450_000);
    expect(Array.from(buf)).toEqual(Array.from({ length: 1000 }, () => b.nextInt(450_000)));
  });
});

describe('xoshiro128** counted draws', () => {
  it('countDraws counts the same indices fillInts draws', () => {
    const a = new Xoshiro128(5);
    const b = new Xoshiro128(5);
    const n = 1000;
    const groupOf = Int32Array.from({ length: n }, (_, i) => i % 7);
    const counts = new Int32Array(7);
    a.countDraws(counts, groupOf, n, 5000);
    const idx = new Int32Array(5000);
    b.fillInts(idx, n);
    const expected = new Int32Array(7);
    for (const i of idx) expected[groupOf[i]!]!++;
    expect(Array.from(counts)).toEqual(Array.from(expected));
  });
});
