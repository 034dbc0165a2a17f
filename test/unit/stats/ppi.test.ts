import stdlibBeta from '@stdlib/random-base-beta';
import { describe, expect, it } from 'vitest';
import { calibratedWinRate, ppiMean, type CalibrationItem } from '../../../server/stats/ppi.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { zCritical } from '../../../server/stats/wilson.ts';
import { fixture } from './helpers.ts';

interface Case {
  name: string;
  level: number;
  items: CalibrationItem[];
  y: number[];
  fLabelled: number[];
  fUnlabelled: number[];
  lambda: number;
  estimate: number;
  se: number;
  ci: [number, number];
}

describe("PPI++ mean matches ppi_py's formulas (numpy, scripts/reference/ppi.py) to 1e-6", () => {
  for (const c of fixture<Case[]>('ppi.json')) {
    it(c.name, () => {
      const fit = ppiMean(c.y, c.fLabelled, c.fUnlabelled).value!;
      expect(Math.abs(fit.lambda - c.lambda)).toBeLessThan(1e-6);
      expect(Math.abs(fit.estimate - c.estimate)).toBeLessThan(1e-6);
      expect(Math.abs(fit.se - c.se)).toBeLessThan(1e-6);
      // from the raw verdicts: item means, labelled/unlabelled split, human-only item left out
      const cal = calibratedWinRate(c.items, c.level);
      expect(cal.nHuman).toBe(c.y.length);
      expect(cal.nLlm).toBe(c.fUnlabelled.length);
      expect(Math.abs(cal.winRate.value! - c.estimate)).toBeLessThan(1e-6);
      expect(Math.abs(cal.lambda.value! - c.lambda)).toBeLessThan(1e-6);
      expect(Math.abs(cal.ci.value![0] - c.ci[0])).toBeLessThan(1e-6);
      expect(Math.abs(cal.ci.value![1] - c.ci[1])).toBeLessThan(1e-6);
    });
  }

  it('λ = 0 is the human-only mean; a constant LLM gets λ = 0', () => {
    const y = [1, 0, 1, 1, 0.5];
    const f = [1, 0, 1, 0, 1];
    const fit = ppiMean(y, f, [1, 1, 0], 0).value!;
    expect(fit.estimate).toBeCloseTo(0.7, 12);
    expect(ppiMean(y, [1, 1, 1, 1, 1], [1, 1]).value!.lambda).toBe(0);
  });

  it('says why when it cannot estimate', () => {
    expect(calibratedWinRate([{ human: [1], llm: [1] }], 0.95).winRate.reason).toMatch(/fewer/);
    const labelledOnly = [
      { human: [1], llm: [1] },
      { human: [0], llm: [1] },
    ];
    expect(calibratedWinRate(labelledOnly, 0.95).ci.reason).toMatch(/LLM verdicts only/);
  });
});

/**
 * A biased, noisy LLM judge. Item i has a human win rate pᵢ ~ Beta(0.6, 0.4) (mean 0.6; the
 * intra-item correlation of human verdicts is 1/(0.6 + 0.4 + 1) = 0.5); the LLM judges it twice
 * (both orders) at rate sigmoid(logit pᵢ + 1), which favours a. 100 items have human verdicts, 900
 * only LLM ones. The true human rate is 0.6 (0.59 with one verdict per item, where 10% are ties).
 */
const LABELLED = 100;
const UNLABELLED = 900;
const REPLICATIONS = 2000;
const LEVEL = 0.95;

function simulate(humansPerItem: number, ties: number, seed: number) {
  const rng = createRng(seed);
  const factory = stdlibBeta.factory as unknown as (o: {
    prng: () => number;
  }) => (a: number, b: number) => number;
  const beta = factory({ prng: () => rng.nextFloat() });
  const verdict = (p: number, tieRate: number) => {
    const u = rng.nextFloat();
    return u < tieRate ? 0.5 : u < tieRate + (1 - tieRate) * p ? 1 : 0;
  };
  const truth = ties * 0.5 + (1 - ties) * 0.6;
  const z = zCritical(LEVEL);
  const hits = { calibrated: 0, human: 0, llm: 0 };
  let widthCalibrated = 0;
  let widthHuman = 0;
  let narrower = 0;
  let agree = 0;
  let agreeN = 0;
  let lambda = 0;
  for (let r = 0; r < REPLICATIONS; r++) {
    const items: CalibrationItem[] = [];
    const y: number[] = [];
    const llmAll: number[] = [];
    for (let i = 0; i < LABELLED + UNLABELLED; i++) {
      const p = beta(0.6, 0.4);
      const q = 1 / (1 + ((1 - p) / p) * Math.exp(-1));
      const llm = [verdict(q, 0), verdict(q, 0)];
      const human: number[] = [];
      if (i < LABELLED) {
        for (let h = 0; h < humansPerItem; h++) human.push(verdict(p, ties));
        y.push(human.reduce((a, b) => a + b, 0) / human.length);
        agree += human[0] === llm[0] ? 1 : 0;
        agreeN++;
      }
      llmAll.push((llm[0]! + llm[1]!) / 2);
      items.push({ human, llm });
    }
    const cal = calibratedWinRate(items, LEVEL);
    const [lo, hi] = cal.ci.value!;
    if (lo <= truth && truth <= hi) hits.calibrated++;
    lambda += cal.lambda.value!;
    // human-only: the same normal interval over item means, without the LLM (λ = 0)
    const human = ppiMean(y, y, [0], 0).value!;
    if (Math.abs(human.estimate - truth) <= z * human.se) hits.human++;
    // LLM-only: every LLM-judged item, as if the LLM were human
    const m = llmAll.reduce((a, b) => a + b, 0) / llmAll.length;
    const sd = Math.sqrt(llmAll.reduce((a, b) => a + (b - m) ** 2, 0) / llmAll.length);
    if (Math.abs(m - truth) <= (z * sd) / Math.sqrt(llmAll.length)) hits.llm++;
    widthCalibrated += hi - lo;
    widthHuman += 2 * z * human.se;
    if (hi - lo < 2 * z * human.se) narrower++;
  }
  return {
    humansPerItem,
    truth,
    agreement: agree / agreeN,
    meanLambda: lambda / REPLICATIONS,
    coverCalibrated: hits.calibrated / REPLICATIONS,
    coverHuman: hits.human / REPLICATIONS,
    coverLlm: hits.llm / REPLICATIONS,
    widthCalibrated: widthCalibrated / REPLICATIONS,
    widthHuman: widthHuman / REPLICATIONS,
    narrowerShare: narrower / REPLICATIONS,
  };
}

describe('PPI++ with a biased, noisy LLM judge (simulation, seeded)', () => {
  const rows: ReturnType<typeof simulate>[] = [];
  for (const [humans, ties, seed] of [
    [1, 0.1, 151],
    [3, 0, 153],
  ] as const) {
    it(`${humans} human verdict(s) per item: calibrated 95% covers 93–97%, LLM-only does not, narrower than human-only`, () => {
      const row = simulate(humans, ties, seed);
      rows.push(row);
      expect(row.coverCalibrated).toBeGreaterThanOrEqual(0.93);
      expect(row.coverCalibrated).toBeLessThanOrEqual(0.97);
      expect(row.coverLlm).toBeLessThan(0.05);
      expect(row.widthCalibrated).toBeLessThan(row.widthHuman);
      expect(row.narrowerShare).toBeGreaterThan(0.9);
    });
  }
  it('prints the table', () => {
    console.table(rows);
  });
});
