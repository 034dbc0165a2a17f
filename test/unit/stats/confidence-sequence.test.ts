import stdlibBeta from '@stdlib/random-base-beta';
import { describe, expect, it } from 'vitest';
import { criticalValue, designEffect } from '../../../server/stats/cluster-wilson.ts';
import {
  ConfidenceSequence,
  confidenceSequence,
  DEFAULT_PLANNED_ITEMS,
  mixtureRho,
} from '../../../server/stats/confidence-sequence.ts';
import { addScore, emptyMoments } from '../../../server/stats/moments.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { wilsonBounds } from '../../../server/stats/wilson.ts';
import { fixture } from './helpers.ts';

interface Case {
  name: string;
  level: number;
  plannedItems: number;
  rho: number;
  itemMeans: number[];
  lower: number[];
  upper: number[];
}

describe('normal-mixture confidence sequence matches numpy/scipy (scripts/reference/confidence_sequence.py) to 1e-9', () => {
  for (const c of fixture<Case[]>('confidence-sequence.json')) {
    it(c.name, () => {
      const options = { level: c.level, plannedItems: c.plannedItems };
      expect(Math.abs(mixtureRho(c.plannedItems / 4, 1 - c.level) - c.rho)).toBeLessThan(1e-9);
      const cs = new ConfidenceSequence(options);
      c.itemMeans.forEach((x, t) => {
        cs.push(x);
        const [lo, hi] = cs.result().ci;
        expect(Math.abs(lo - c.lower[t]!)).toBeLessThan(1e-9);
        expect(Math.abs(hi - c.upper[t]!)).toBeLessThan(1e-9);
      });
      const r = confidenceSequence(c.itemMeans, options).value!;
      expect(r.items).toBe(c.itemMeans.length);
      expect(r.halfWidth).toBeCloseTo((c.upper.at(-1)! - c.lower.at(-1)!) / 2, 12);
      const decided = c.lower.at(-1)! > 0.5 ? 'a' : c.upper.at(-1)! < 0.5 ? 'b' : null;
      expect(r.decided).toBe(decided);
    });
  }

  it('says why with no items, and rejects a mean outside [0, 1]', () => {
    const options = { level: 0.95, plannedItems: DEFAULT_PLANNED_ITEMS };
    expect(confidenceSequence([], options).reason).toMatch(/no items/);
    expect(() => new ConfidenceSequence(options).push(1.5)).toThrow(RangeError);
  });
});

/**
 * A study watched after every completed item and stopped at the first decision (the interval
 * excludes ½), or at HORIZON items. Each item carries 3 verdicts at intra-item correlation ½: item
 * rate pᵢ ~ Beta(p, 1 − p); one row has one verdict per item. The naive monitor recomputes the default fixed-sample interval
 * (cluster-Wilson, items as clusters: valid at one look) after every item from the second on.
 */
const STUDIES = 1000;
const HORIZON = 500;
const LEVEL = 0.95;

function simulate(rate: number, PER_ITEM: number, seed: number) {
  const rng = createRng(seed);
  const factory = stdlibBeta.factory as unknown as (o: {
    prng: () => number;
  }) => (a: number, b: number) => number;
  const beta = factory({ prng: () => rng.nextFloat() });
  const crit = Array.from({ length: HORIZON + 1 }, (_, k) =>
    k >= 2 ? criticalValue(k - 1, LEVEL) : Number.NaN,
  );
  const wrong = rate > 0.5 ? 'b' : rate < 0.5 ? 'a' : null;
  const tally = {
    sequential: { wrong: 0, stopped: 0, time: 0 },
    naive: { wrong: 0, stopped: 0, time: 0 },
  };
  let checked = false;
  for (let s = 0; s < STUDIES; s++) {
    const cs = new ConfidenceSequence({ level: LEVEL, plannedItems: DEFAULT_PLANNED_ITEMS });
    let naiveDecided: 'a' | 'b' | null = null;
    let wins = 0;
    let sumM = 0;
    let sumM2 = 0;
    const sums = new Float64Array(HORIZON);
    const m = emptyMoments();
    let stopped = false;
    for (let k = 1; k <= HORIZON; k++) {
      const p = beta(rate, 1 - rate);
      let w = 0;
      for (let v = 0; v < PER_ITEM; v++) {
        const x = rng.nextFloat() < p ? 1 : 0;
        w += x;
        if (!checked) addScore(m, x, 'half');
      }
      sums[k - 1] = w;
      wins += w;
      const mean = w / PER_ITEM;
      sumM += mean;
      sumM2 += mean * mean;
      if (!stopped) {
        cs.push(mean);
        const d = cs.result().decided;
        if (d !== null) {
          stopped = true;
          tally.sequential.stopped++;
          tally.sequential.time += k;
          if (d === wrong || wrong === null) tally.sequential.wrong++;
        }
      }
      // cluster-Wilson (no minority cap) with equal verdicts per item, in O(1) per look (checked below)
      if (naiveDecided === null && k >= 2) {
        const n = k * PER_ITEM;
        const ph = wins / n;
        const clustered = (sumM2 - (sumM * sumM) / k) / (k * (k - 1));
        const independent = (ph * (1 - ph)) / n;
        const variance = Math.max(clustered, independent);
        const ne = variance > 1e-12 * (0.25 / n) ? (ph * (1 - ph)) / variance : k;
        const [lo, hi] = wilsonBounds(ph, ne, crit[k]!);
        naiveDecided = lo > 0.5 ? 'a' : hi < 0.5 ? 'b' : null;
        if (naiveDecided !== null) tally.naive.time += k;
      }
    }
    if (!checked) {
      // the O(1) naive monitor is the library's cluster-Wilson interval without the minority cap
      // (items − 1 degrees of freedom: designEffect 'uncapped') at the last look
      const counts = new Float64Array(HORIZON).fill(PER_ITEM);
      const design = designEffect({ sums, counts }, m, 'uncapped').value!;
      const ref = wilsonBounds(
        m.sum / m.weight,
        design.effectiveN,
        criticalValue(design.df, LEVEL),
      );
      const n = HORIZON * PER_ITEM;
      const ph = wins / n;
      const variance = Math.max(
        (sumM2 - (sumM * sumM) / HORIZON) / (HORIZON * (HORIZON - 1)),
        (ph * (1 - ph)) / n,
      );
      const mine = wilsonBounds(ph, (ph * (1 - ph)) / variance, crit[HORIZON]!);
      expect(Math.abs(mine[0] - ref[0])).toBeLessThan(1e-9);
      expect(Math.abs(mine[1] - ref[1])).toBeLessThan(1e-9);
      checked = true;
    }
    if (naiveDecided !== null) {
      tally.naive.stopped++;
      if (naiveDecided === wrong || wrong === null) tally.naive.wrong++;
    }
  }
  const seq = tally.sequential;
  return {
    rate,
    verdictsPerItem: PER_ITEM,
    sequentialWrong: seq.wrong / STUDIES,
    sequentialStopped: seq.stopped / STUDIES,
    sequentialMeanStop: seq.stopped > 0 ? seq.time / seq.stopped : null,
    naiveWrong: tally.naive.wrong / STUDIES,
    naiveStopped: tally.naive.stopped / STUDIES,
    naiveMeanStop: tally.naive.stopped > 0 ? tally.naive.time / tally.naive.stopped : null,
  };
}

describe('anytime validity: a study monitored after every item and stopped at the first decision (simulation, seeded)', () => {
  const rows: ReturnType<typeof simulate>[] = [];
  it('true rate 0.5: the sequence wrongly declares a winner in ≤ 5% of studies; repeated 95% intervals far more often', () => {
    for (const [perItem, seed] of [
      [3, 2101],
      [1, 2104],
    ] as const) {
      const row = simulate(0.5, perItem, seed);
      rows.push(row);
      expect(row.sequentialWrong).toBeLessThanOrEqual(0.05);
      expect(row.naiveWrong).toBeGreaterThan(2 * 0.05);
    }
  });
  it('true rate 0.86: it stops early, for the right side', () => {
    const row = simulate(0.86, 3, 2102);
    rows.push(row);
    expect(row.sequentialWrong).toBe(0);
    expect(row.sequentialStopped).toBe(1);
    expect(row.sequentialMeanStop!).toBeLessThan(60);
  });
  it('true rate 0.7', () => {
    const row = simulate(0.7, 3, 2103);
    rows.push(row);
    expect(row.sequentialWrong).toBe(0);
  });
  it('prints the table', () => {
    console.table(rows);
  });
});
