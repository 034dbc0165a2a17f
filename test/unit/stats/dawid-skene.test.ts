import { describe, expect, it } from 'vitest';
import {
  competenceWinRate,
  dawidSkene,
  posteriorScores,
  type DawidSkeneData,
} from '../../../server/stats/dawid-skene.ts';
import { createRng, type Rng } from '../../../server/stats/rng.ts';
import { fixture, TOL } from './helpers.ts';

interface Case {
  name: string;
  units: number;
  judges: number;
  unit: number[];
  judge: number[];
  label: number[];
  options: { tolerance: number; maxIterations: number; smoothing: number };
  prior: number[];
  confusion: number[][];
  posterior: number[];
  accuracy: Array<number | null>;
  iterations: number;
  converged: boolean;
  logLikelihood: number;
  winUnits: number[];
  winRateHalf: number;
  winRateExclude: number;
}

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>) => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(TOL);
};

describe('Dawid–Skene matches the numpy reference (scripts/reference/dawid_skene.py) to 1e-6', () => {
  for (const c of fixture<Case[]>('dawid-skene.json')) {
    it(c.name, () => {
      const fit = dawidSkene(
        {
          units: c.units,
          judges: c.judges,
          unit: Int32Array.from(c.unit),
          judge: Int32Array.from(c.judge),
          label: Uint8Array.from(c.label),
        },
        c.options,
      );
      expect(fit.iterations).toBe(c.iterations);
      expect(fit.converged).toBe(c.converged);
      close(fit.prior, c.prior);
      c.confusion.forEach((row, j) => close(fit.confusion[j]!, row));
      close(fit.posterior, c.posterior);
      c.accuracy.forEach((a, j) => {
        if (a === null) expect(fit.accuracy[j]).toBeNaN();
        else expect(Math.abs(fit.accuracy[j]! - a)).toBeLessThan(TOL);
      });
      expect(Math.abs(fit.logLikelihood - c.logLikelihood)).toBeLessThan(TOL);
      const half = posteriorScores(fit.posterior, c.winUnits, 'half');
      const sum = (x: Float64Array) => x.reduce((s, y) => s + y, 0);
      expect(Math.abs(sum(half.sums) / sum(half.counts) - c.winRateHalf)).toBeLessThan(TOL);
      const excl = posteriorScores(fit.posterior, c.winUnits, 'exclude');
      expect(Math.abs(sum(excl.sums) / sum(excl.counts) - c.winRateExclude)).toBeLessThan(TOL);
    });
  }
});

/**
 * 300 items, 3 systems (3 pairs: 900 comparisons), 10 judges of known accuracy 0.55 … 0.95. Each
 * judge judges each comparison with probability 0.9, except two judges (0.08: under 100
 * verdicts). A judge gives the true class with its accuracy; a good judge's error is another class
 * at random, a poor judge's (accuracy < 0.7) favours a: "a wins" when the truth is not a, else
 * "tie".
 */
function simulate(rng: Rng) {
  const accuracies = Array.from({ length: 10 }, (_, j) => 0.55 + (0.4 * j) / 9);
  const rates = accuracies.map((_, j) => (j === 2 || j === 7 ? 0.08 : 0.9));
  // true class shares (a, tie, b) per pair
  const shares = [
    [0.45, 0.1, 0.45],
    [0.3, 0.1, 0.6],
    [0.6, 0.1, 0.3],
  ];
  const items = 300;
  const units = items * shares.length;
  const truth = new Uint8Array(units);
  const unit: number[] = [];
  const judge: number[] = [];
  const label: number[] = [];
  const correct = new Float64Array(10);
  const given = new Float64Array(10);
  for (let u = 0; u < units; u++) {
    const [pa, pt] = shares[u % 3]!;
    const x = rng.nextFloat();
    const k = x < pa! ? 0 : x < pa! + pt! ? 1 : 2;
    truth[u] = k;
    for (let j = 0; j < 10; j++) {
      if (rng.nextFloat() >= rates[j]!) continue;
      let l: number;
      if (rng.nextFloat() < accuracies[j]!) l = k;
      else if (accuracies[j]! < 0.7) l = k === 0 ? 1 : 0;
      else l = (k + 1 + rng.nextInt(2)) % 3;
      unit.push(u);
      judge.push(j);
      label.push(l);
      given[j]!++;
      if (l === k) correct[j]!++;
    }
  }
  const data: DawidSkeneData = {
    units,
    judges: 10,
    unit: Int32Array.from(unit),
    judge: Int32Array.from(judge),
    label: Uint8Array.from(label),
  };
  return { data, truth, accuracies, realised: correct.map((c, j) => c / given[j]!) };
}

const score = (l: number) => (l === 0 ? 1 : l === 1 ? 0.5 : 0);

describe('Dawid–Skene on simulated judges of known accuracy', () => {
  it('recovers each judge with ≥ 100 verdicts to ±0.05, and the weighted win rate beats the unweighted one', () => {
    const { data, truth, accuracies } = simulate(createRng(18, 'dawid-skene'));
    const fit = dawidSkene(data);
    expect(fit.converged).toBe(true);
    let checked = 0;
    for (let j = 0; j < 10; j++) {
      if (fit.verdicts[j]! < 100) continue;
      checked++;
      expect(Math.abs(fit.accuracy[j]! - accuracies[j]!)).toBeLessThanOrEqual(0.05);
    }
    expect(checked).toBe(8);
    for (let p = 0; p < 3; p++) {
      const units = Array.from({ length: 300 }, (_, i) => i * 3 + p);
      const truthRate = units.reduce((s, u) => s + score(truth[u]!), 0) / units.length;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < data.unit.length; i++)
        if (data.unit[i]! % 3 === p) {
          sum += score(data.label[i]!);
          n++;
        }
      const unweighted = sum / n;
      const w = competenceWinRate(fit.posterior, units, 'half', 0.95, 2000, createRng(1, `p${p}`));
      const weighted = w.winRate.value!;
      expect(Math.abs(weighted - truthRate)).toBeLessThan(Math.abs(unweighted - truthRate));
      const [lo, hi] = w.ci.value!;
      expect(lo).toBeLessThanOrEqual(weighted);
      expect(hi).toBeGreaterThanOrEqual(weighted);
      expect(lo).toBeLessThan(truthRate);
      expect(hi).toBeGreaterThan(truthRate);
    }
  });

  it('over 20 seeds: every estimate within 0.03 of the realised accuracy; the weighted rate within 0.01 of the truth and closer than the unweighted one on average on every pair', () => {
    let nominalMisses = 0;
    let closer = 0;
    const meanErr = [0, 1, 2].map(() => [0, 0] as [number, number]);
    for (let seed = 1; seed <= 20; seed++) {
      const { data, truth, accuracies, realised } = simulate(createRng(seed, 'dawid-skene'));
      const fit = dawidSkene(data);
      for (let j = 0; j < 10; j++) {
        if (fit.verdicts[j]! < 100) continue;
        expect(Math.abs(fit.accuracy[j]! - realised[j]!)).toBeLessThan(0.03);
        if (Math.abs(fit.accuracy[j]! - accuracies[j]!) > 0.05) nominalMisses++;
      }
      for (let p = 0; p < 3; p++) {
        const units = Array.from({ length: 300 }, (_, i) => i * 3 + p);
        const truthRate = units.reduce((s, u) => s + score(truth[u]!), 0) / units.length;
        const s = posteriorScores(fit.posterior, units, 'half');
        const weighted = s.sums.reduce((a, b) => a + b, 0) / units.length;
        let sum = 0;
        let n = 0;
        for (let i = 0; i < data.unit.length; i++)
          if (data.unit[i]! % 3 === p) {
            sum += score(data.label[i]!);
            n++;
          }
        const errW = Math.abs(weighted - truthRate);
        const errU = Math.abs(sum / n - truthRate);
        expect(errW).toBeLessThan(0.01);
        if (errW < errU) closer++;
        meanErr[p]![0] += errW / 20;
        meanErr[p]![1] += errU / 20;
      }
    }
    // 160 judge-seeds, every one within ±0.05 of its nominal accuracy too
    expect(nominalMisses).toBe(0);
    // a pair where the poor judges' pull towards a and the good judges' noise towards ½ roughly
    // cancel leaves the unweighted rate near the truth by luck now and then (seeds 8 and 10, pair 3)
    expect(closer).toBeGreaterThanOrEqual(57);
    for (const [w, u] of meanErr) expect(w).toBeLessThan(u / 3);
  });

  it('rejects out-of-range input with one line', () => {
    const bad = (label: number) => () =>
      dawidSkene({
        units: 1,
        judges: 1,
        unit: Int32Array.of(0),
        judge: Int32Array.of(0),
        label: Uint8Array.of(label),
      });
    expect(bad(3)).toThrow(/verdict 0: label 3 out of range/);
  });
});
