import { describe, expect, it } from 'vitest';
import { clusterWilsonInterval } from '../../../server/stats/cluster-wilson.ts';
import {
  lengthControlledFromTotals,
  lengthControlledWinRate,
  type LengthItem,
  type LengthTotals,
} from '../../../server/stats/length-control.ts';
import { createRng, type Rng } from '../../../server/stats/rng.ts';
import { fixture, load } from './helpers.ts';

interface Case {
  name: string;
  level: number;
  items: LengthItem[];
  intercept: number;
  slope: number;
  winRate: number;
  ci: [number, number];
  ciMonteCarloSe: [number, number];
}

/** The item totals the fit takes: each item's length difference, verdict count and score sum. */
function totals(items: readonly LengthItem[]): LengthTotals {
  return {
    diff: Float64Array.from(items, (i) => i.lengthA - i.lengthB),
    verdicts: Float64Array.from(items, (i) => i.scores.length),
    scoreSum: Float64Array.from(items, (i) => i.scores.reduce((s, x) => s + x, 0)),
  };
}

describe('length-controlled win rate matches statsmodels (scripts/reference/length_control.py)', () => {
  for (const [i, c] of fixture<Case[]>('length-control.json').entries()) {
    it(`${c.name}: coefficients to 1e-6, bootstrap interval within Monte Carlo error`, () => {
      // the reference fits the verdicts and resamples every item in each round
      const lc = lengthControlledFromTotals(totals(c.items), {
        level: c.level,
        rounds: 4000,
        rng: createRng(71, `length-control-${i}`),
        maxItemsPerRound: c.items.length,
      });
      expect(Math.abs(lc.winRate.value! - c.winRate)).toBeLessThan(1e-6);
      expect(Math.abs(lc.lengthCoefficient.value! - c.slope)).toBeLessThan(1e-6);
      // both sides run 4000 rounds: the difference has twice the reference's Monte Carlo variance
      const [lo, hi] = lc.ci.value!;
      expect(Math.abs(lo - c.ci[0])).toBeLessThan(4 * Math.SQRT2 * c.ciMonteCarloSe[0]);
      expect(Math.abs(hi - c.ci[1])).toBeLessThan(4 * Math.SQRT2 * c.ciMonteCarloSe[1]);
    });
  }

  it('says why when there is no fit', () => {
    const options = { level: 0.95, rounds: 10, maxItemsPerRound: 100 };
    const run = (items: LengthItem[]) =>
      lengthControlledFromTotals(totals(items), { ...options, rng: createRng(1) });
    const same = [1, 2, 3].map(() => ({ lengthA: 5, lengthB: 3, scores: [1, 0] }));
    expect(run(same).winRate.reason).toMatch(/same length/);
    const allWins = [1, 2, 3].map((l) => ({ lengthA: l, lengthB: 3, scores: [1] }));
    expect(run(allWins).ci.reason).toMatch(/every verdict/);
    expect(run(same.slice(0, 1)).winRate.reason).toMatch(/fewer than 3 verdicts/);
  });
});

/**
 * A judge that prefers longer traces between systems that are otherwise equal: a's outputs are
 * longer (len ~ N(650, 200) against N(400, 200)), and a verdict goes to a with probability
 * sigmoid(2·tanh(Δ/280) + uᵢ), uᵢ ~ N(0, 0.5²) an item effect, 3 verdicts per item, 10% ties. At
 * zero difference a wins half the time, so the length-controlled rate should be ½ while the raw rate
 * is far above it.
 */
function normal(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

function lengthBiasedStudy(rng: Rng, nItems: number): LengthItem[] {
  const items: LengthItem[] = [];
  for (let i = 0; i < nItems; i++) {
    const lengthA = Math.max(1, Math.round(650 + 200 * normal(rng)));
    const lengthB = Math.max(1, Math.round(400 + 200 * normal(rng)));
    const eta = 2 * Math.tanh((lengthA - lengthB) / 280) + 0.5 * normal(rng);
    const p = 1 / (1 + Math.exp(-eta));
    const scores: number[] = [];
    for (let v = 0; v < 3; v++) {
      const u = rng.nextFloat();
      scores.push(u < 0.1 ? 0.5 : u < 0.1 + 0.9 * p ? 1 : 0);
    }
    items.push({ lengthA, lengthB, scores });
  }
  return items;
}

function rawInterval(items: LengthItem[]) {
  const { m, clusters } = load(
    items.map((it) => [...it.scores]),
    'half',
  );
  return { rate: m.sum / m.weight, ci: clusterWilsonInterval(clusters, m, 0.95).value! };
}

describe('length control on a length-biased judge between equal systems (simulation, seeded)', () => {
  it('the raw rate is far from ½, the length-controlled interval holds ½', () => {
    const rng = createRng(4242);
    const items = lengthBiasedStudy(rng, 200);
    const raw = rawInterval(items);
    const lc = lengthControlledWinRate(items, { level: 0.95, rounds: 2000, rng });
    console.table([
      { figure: 'raw (cluster-Wilson)', rate: raw.rate, lo: raw.ci[0], hi: raw.ci[1] },
      {
        figure: 'length-controlled',
        rate: lc.winRate.value,
        lo: lc.ci.value![0],
        hi: lc.ci.value![1],
        lengthCoefficient: lc.lengthCoefficient.value,
      },
    ]);
    expect(raw.rate).toBeGreaterThan(0.65);
    expect(raw.ci[0]).toBeGreaterThan(0.6);
    expect(lc.ci.value![0]).toBeLessThanOrEqual(0.5);
    expect(lc.ci.value![1]).toBeGreaterThanOrEqual(0.5);
    expect(lc.lengthCoefficient.value!).toBeGreaterThan(0.5);
  });

  it('over repeated studies, the length-controlled 95% interval holds ½ about 95% of the time', () => {
    const studies = 120;
    const rng = createRng(4343);
    let lcCovers = 0;
    let rawCovers = 0;
    let rawSum = 0;
    let lcSum = 0;
    for (let s = 0; s < studies; s++) {
      const items = lengthBiasedStudy(rng, 150);
      const raw = rawInterval(items);
      const lc = lengthControlledWinRate(items, { level: 0.95, rounds: 300, rng });
      const [lo, hi] = lc.ci.value!;
      if (lo <= 0.5 && 0.5 <= hi) lcCovers++;
      if (raw.ci[0] <= 0.5 && 0.5 <= raw.ci[1]) rawCovers++;
      rawSum += raw.rate;
      lcSum += lc.winRate.value!;
    }
    console.table([
      {
        studies,
        meanRaw: rawSum / studies,
        rawCoversHalf: rawCovers / studies,
        meanLengthControlled: lcSum / studies,
        lengthControlledCoversHalf: lcCovers / studies,
      },
    ]);
    expect(rawCovers).toBe(0);
    expect(lcCovers / studies).toBeGreaterThanOrEqual(0.88);
  });
});

/** Items with 1 to 3 verdicts, a favoured by length and slightly overall, 10% ties. */
function study(rng: Rng, items: number): LengthItem[] {
  return Array.from({ length: items }, () => {
    const lengthA = 300 + Math.round(600 * rng.nextFloat());
    const lengthB = 250 + Math.round(400 * rng.nextFloat());
    const p = 1 / (1 + Math.exp(-(0.3 + (lengthA - lengthB) / 300)));
    const k = 1 + rng.nextInt(3);
    const scores = Array.from({ length: k }, () => {
      const u = rng.nextFloat();
      return u < 0.1 ? 0.5 : u < 0.1 + 0.9 * p ? 1 : 0;
    });
    return { lengthA, lengthB, scores };
  });
}

describe('length control above the items-per-round cap', () => {
  it('m-out-of-n: about the full bootstrap interval', () => {
    const data = totals(study(createRng(3), 8000));
    const options = { level: 0.95, rounds: 1000 };
    const full = lengthControlledFromTotals(data, {
      ...options,
      rng: createRng(9),
      maxItemsPerRound: 8000,
    });
    const capped = lengthControlledFromTotals(data, {
      ...options,
      rng: createRng(9),
      maxItemsPerRound: 500,
    });
    expect(capped.winRate.value).toBe(full.winRate.value);
    const width = (f: typeof full) => f.ci.value![1] - f.ci.value![0];
    // the m-out-of-n width estimates the same √n-scale spread (a 500-item bootstrap's SD has
    // ~2% Monte Carlo error; the shape differs at order 1/√m)
    expect(Math.abs(width(capped) / width(full) - 1)).toBeLessThan(0.1);
  });
});
