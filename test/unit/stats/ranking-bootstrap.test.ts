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

describe('ranking bootstrap grouping', () => {
  it('groups items by their rows whatever their order, and never merges different items', () => {
    const ref = fixture<Reference>('ranking-bootstrap.json');
    const run = (items: Item[]) =>
      bootstrapRanking(
        itemRows(items, ref.systems),
        ref.systems,
        ref.base,
        'bradley-terry',
        0.95,
        300,
        createRng(4),
        undefined,
        'multinomial',
      ).intervals;
    const reversed = ref.items.map((rows) => [...rows].reverse());
    expect(run(reversed)).toEqual(run(ref.items));
    // one item's score changed by a tie's worth: another group, other intervals
    const changed = ref.items.map((rows, k) =>
      k === 0
        ? rows.map(([i, j, n, w, t]): Item[number] => [i, j, n, w === 0 ? 0.5 : w - 0.5, t])
        : rows,
    );
    expect(run(changed)).not.toEqual(run(ref.items));
  });
});

describe('ranking bootstrap: resamples without a finite estimate', () => {
  /**
   * sft against base on 30 items of 2 verdicts: 26 items sft won both, 1 sft won one and tied one,
   * 2 one win one loss, 1 a loss and a tie. In (26/30)^30 = 1.37% of resamples base never scored:
   * sft's score is +∞ there. The exact bootstrap distribution of sft's score W (in half-points) is
   * the 30-fold convolution of the item distribution: P(W ≤ 118) = 0.9706, P(W ≤ 119) = 0.9863, so
   * the 97.5% percentile is log(59.5 / 0.5). Dropping the +∞ rounds (the conditional interval)
   * gave log(59 / 1) instead.
   */
  const items: Item[] = [
    ...Array.from({ length: 26 }, (): Item => [[0, 1, 2, 2, 0]]),
    [[0, 1, 2, 1.5, 1]],
    [[0, 1, 2, 1, 0]],
    [[0, 1, 2, 1, 0]],
    [[0, 1, 2, 0.5, 1]],
  ];

  it('counts them at +∞ and takes the percentile over every round (the exact bootstrap distribution)', () => {
    const exact = new Float64Array(5);
    for (const [[, , , w]] of items as Array<[[number, number, number, number, number]]>)
      exact[2 * w]! += 1 / items.length;
    let dist = Float64Array.of(1);
    for (let k = 0; k < items.length; k++) {
      const next = new Float64Array(dist.length + 4);
      dist.forEach((d, x) => exact.forEach((e, y) => (next[x + y]! += d * e)));
      dist = next;
    }
    let cdf = 0;
    let upper = -1;
    for (let x = 0; x < dist.length && upper < 0; x++)
      if ((cdf += dist[x] as number) >= 0.975) upper = x;
    expect(upper).toBe(119);
    const boot = bootstrapRanking(
      itemRows(items, 2),
      2,
      1,
      'bradley-terry',
      0.95,
      20_000,
      createRng(3),
    );
    // the 97.5% rank sits 4 Monte Carlo standard errors inside the atom at 119
    expect(boot.intervals[0]![1]).toBeCloseTo(Math.log(upper / 2 / (60 - upper / 2)), 12);
    expect(boot.failedRounds / 20_000).toBeGreaterThan(0.01);
    expect(boot.failedRounds / 20_000).toBeLessThan(0.0175);
  });

  it('reports an unbounded interval as null with the count, when they reach the tail', () => {
    // sft won 9 of 10 items: in 0.9^10 = 35% of resamples it won everything
    const nine: Item[] = Array.from({ length: 10 }, (_, k): Item => [[0, 1, 1, k < 9 ? 1 : 0, 0]]);
    const boot = bootstrapRanking(
      itemRows(nine, 2),
      2,
      1,
      'bradley-terry',
      0.95,
      2000,
      createRng(1),
    );
    expect(boot.intervals[0]).toBeNull();
    expect(boot.reasons[0]).toMatch(/unbounded: \d+ of 2000 bootstrap resamples/);
  });

  it('reports a zero-width interval as null: 50 ties give every resample the same score', () => {
    const ties: Item[] = Array.from({ length: 50 }, (): Item => [[0, 1, 1, 0.5, 1]]);
    const boot = bootstrapRanking(
      itemRows(ties, 2),
      2,
      1,
      'bradley-terry',
      0.95,
      500,
      createRng(1),
    );
    expect(boot.intervals[0]).toBeNull();
    expect(boot.reasons[0]).toMatch(/same score/);
  });

  it('keeps the other systems: a resample where one system lost everything fits the rest alone', () => {
    // base(0) against sft(1) on 40 items; rare(2) met sft on 3 items and lost 2, won 1
    const items: Item[] = Array.from({ length: 40 }, (_, k): Item => [
      [0, 1, 1, k % 3 === 0 ? 1 : 0, 0],
      ...(k < 3 ? [[1, 2, 1, k < 2 ? 1 : 0, 0] as [number, number, number, number, number]] : []),
    ]);
    const boot = bootstrapRanking(
      itemRows(items, 3),
      3,
      0,
      'bradley-terry',
      0.95,
      2000,
      createRng(5),
    );
    expect(boot.failedRounds).toBeGreaterThan(500);
    expect(boot.intervals[2]).toBeNull();
    // sft's interval is the 2-system one: in every round its score is fitted on base–sft alone
    const alone = bootstrapRanking(
      itemRows(
        items.map((rows) => rows.slice(0, 1)),
        2,
      ),
      2,
      0,
      'bradley-terry',
      0.95,
      2000,
      createRng(5),
    );
    const [low, high] = boot.intervals[1]!;
    const [lowAlone, highAlone] = alone.intervals[1]!;
    expect(Math.abs(low - lowAlone)).toBeLessThan(0.15);
    expect(Math.abs(high - highAlone)).toBeLessThan(0.15);
  });

  it('fits Bradley–Terry to a Davidson resample without ties (ν = 0 at the boundary) instead of dropping it', () => {
    // 2 ties among 40 items: (38/40)^40 = 13% of resamples have none
    const items: Item[] = Array.from({ length: 40 }, (_, k): Item => [
      [0, 1, 1, k < 2 ? 0.5 : k % 3 === 0 ? 0 : 1, k < 2 ? 1 : 0],
    ]);
    const boot = bootstrapRanking(itemRows(items, 2), 2, 1, 'davidson', 0.95, 2000, createRng(2));
    expect(boot.failedRounds).toBe(0);
    expect(boot.intervals[0]).not.toBeNull();
  });
});
