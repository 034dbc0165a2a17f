import { describe, expect, it } from 'vitest';
import { fitBradleyTerry } from '../../../server/stats/bradley-terry.ts';
import { emptyTotals } from '../../../server/stats/pairwise-totals.ts';
import { bootstrapRanking, type ItemRows } from '../../../server/stats/ranking-bootstrap.ts';
import { createRng, type Rng } from '../../../server/stats/rng.ts';
import { fixture } from './helpers.ts';

/** Items as rows of [i, j, n, score of i, ties] with i < j. */
type Item = Array<[number, number, number, number, number]>;

function itemRows(items: Item[], systems: number): ItemRows {
  const rowStart = new Int32Array(items.length + 1);
  const flat = items.flat();
  items.forEach((rows, k) => (rowStart[k + 1] = (rowStart[k] as number) + rows.length));
  return {
    rowStart,
    cell: Int32Array.from(flat, ([i, j]) => i * systems + j),
    n: Float64Array.from(flat, (r) => r[2]),
    w: Float64Array.from(flat, (r) => r[3]),
    t: Float64Array.from(flat, (r) => r[4]),
  };
}

interface Reference {
  systems: number;
  base: number;
  level: number;
  rounds: number;
  items: Item[];
  point: number[];
  low: number[];
  high: number[];
  seLow: number[];
  seHigh: number[];
}

describe('ranking bootstrap against numpy/scipy (scripts/reference/ranking_bootstrap.py)', () => {
  const ref = fixture<Reference>('ranking-bootstrap.json');
  const rows = itemRows(ref.items, ref.systems);
  const tot = emptyTotals(ref.systems);
  ref.items.flat().forEach(([i, j, n, w, t]) => {
    const [ij, ji] = [i * ref.systems + j, j * ref.systems + i];
    tot.n[ij]! += n;
    tot.n[ji]! += n;
    tot.w[ij]! += w;
    tot.w[ji]! += n - w;
    tot.t[ij]! += t;
    tot.t[ji]! += t;
  });
  const point = fitBradleyTerry(tot, ref.base).value!.scores;

  it('fits the same point estimate (scipy BFGS)', () => {
    point.forEach((v, s) => expect(Math.abs(v - (ref.point[s] as number))).toBeLessThan(1e-6));
  });

  for (const strategy of ['index', 'multinomial'] as const) {
    it(`gives numpy's percentile interval within Monte Carlo error (${strategy} draws, ${ref.rounds} rounds)`, () => {
      const boot = bootstrapRanking(
        rows,
        ref.systems,
        ref.base,
        'bradley-terry',
        ref.level,
        ref.rounds,
        createRng(7, strategy),
        point,
        strategy,
      );
      expect(boot.failedRounds).toBe(0);
      for (let s = 0; s < ref.systems; s++) {
        if (s === ref.base) continue;
        const [low, high] = boot.intervals[s]!;
        // both sides carry Monte Carlo error of about the reference's: 4 combined standard errors
        const tol = (se: number) => 4 * Math.SQRT2 * se;
        expect(Math.abs(low - (ref.low[s] as number))).toBeLessThan(tol(ref.seLow[s] as number));
        expect(Math.abs(high - (ref.high[s] as number))).toBeLessThan(tol(ref.seHigh[s] as number));
      }
    });
  }
});

/** An Rng that counts the uniforms drawn from it. */
function counting(rng: Rng): Rng & { draws: number } {
  const c = {
    draws: 0,
    nextUint32: () => (c.draws++, rng.nextUint32()),
    nextInt: (n: number) => (c.draws++, rng.nextInt(n)),
    nextFloat: () => (c.draws++, rng.nextFloat()),
  };
  return c;
}

describe('ranking bootstrap cost', () => {
  it('draws O(groups) uniforms per round, not O(items) per group (25 s of a 1M-line stats run)', () => {
    // 100,000 items in 3 systems: 50 common verdict patterns and 450 rare ones (2 or 3 items each)
    const systems = 3;
    const gen = createRng(1);
    const patterns: Item[] = Array.from({ length: 500 }, () => {
      const n1 = 1 + gen.nextInt(4);
      const n2 = 1 + gen.nextInt(4);
      return [
        [0, 1, n1, gen.nextInt(2 * n1 + 1) / 2, 0],
        [1, 2, n2, gen.nextInt(2 * n2 + 1) / 2, 0],
      ];
    });
    const items: Item[] = Array.from(
      { length: 100_000 },
      (_, k) => patterns[k < 1000 ? 50 + (k % 450) : k % 50] as Item,
    );
    const rng = counting(createRng(2));
    const rounds = 2;
    const boot = bootstrapRanking(
      itemRows(items, systems),
      systems,
      0,
      'bradley-terry',
      0.95,
      rounds,
      rng,
    );
    expect(boot.intervals[1]).not.toBeNull();
    expect(rng.draws / rounds).toBeLessThan(20 * 500);
  });
});
