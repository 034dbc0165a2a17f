import { describe, expect, it } from 'vitest';
import { binomialTest } from '../../../server/stats/binomial-test.ts';
import { clopperPearsonInterval } from '../../../server/stats/clopper-pearson.ts';
import { momentsFromCounts } from '../../../server/stats/moments.ts';
import { waldInterval } from '../../../server/stats/wald.ts';
import { standardError, winRate } from '../../../server/stats/win-rate.ts';
import { wilsonInterval } from '../../../server/stats/wilson.ts';
import { expectFigure, expectInterval, fixture } from './helpers.ts';

interface ModeRef {
  n: number;
  winRate: number | null;
  se: number | null;
  wilson: [number, number] | null;
  normal: [number, number] | null;
}
interface Case {
  wins: number;
  losses: number;
  ties: number;
  level: number;
  half: ModeRef;
  exclude: ModeRef;
  exact: [number, number] | null;
  pValue: number | null;
}

const cases = fixture<Case[]>('proportions.json');

describe("Wilson's interval holds its estimate exactly", () => {
  it('all wins or all losses: the bound at 1 or 0 is exactly 1 or 0, not 0.9999999999999999 or 5.55e-17', () => {
    // an audit's fuzz: 5 wins of 5 gave [0.5655, 0.9999999999999999] beside a rate of 1
    for (const level of [0.6827, 0.95, 0.999])
      for (let n = 1; n <= 200; n++) {
        expect(wilsonInterval(n, n, level).value![1], `${n} of ${n}`).toBe(1);
        expect(wilsonInterval(0, n, level).value![0], `0 of ${n}`).toBe(0);
      }
  });
});

describe('win rate, SE and intervals match statsmodels / scipy to 1e-6', () => {
  for (const c of cases) {
    const label = `w=${c.wins} l=${c.losses} t=${c.ties} level=${c.level}`;
    for (const mode of ['half', 'exclude'] as const) {
      it(`${label} ties ${mode}`, () => {
        const m = momentsFromCounts(c.wins, c.losses, c.ties, mode);
        const ref = c[mode];
        expect(m.n).toBe(ref.n);
        const rate = winRate(m);
        const se = standardError(m);
        expectFigure(rate, ref.winRate);
        expectFigure(se, ref.se);
        expectInterval(wilsonInterval(m.sum, m.n, c.level), ref.wilson);
        expectInterval(waldInterval(rate.value, se.value, c.level), ref.normal);
      });
    }
    it(`${label} Clopper–Pearson and sign test`, () => {
      expectInterval(clopperPearsonInterval(c.wins, c.wins + c.losses, c.level), c.exact);
      expectFigure(binomialTest(c.wins, c.wins + c.losses), c.pValue);
    });
  }
});

describe('binomial test matches scipy.stats.binomtest', () => {
  for (const c of fixture<Array<{ k: number; n: number; p?: number; pValue: number }>>(
    'binomial-test.json',
  )) {
    it(`k=${c.k} n=${c.n} p=${c.p ?? 0.5}`, () => {
      const got = binomialTest(c.k, c.n, c.p ?? 0.5);
      expect(got.value).not.toBeNull();
      expect(Math.abs((got.value as number) - c.pValue)).toBeLessThan(1e-9 + 1e-6 * c.pValue);
    });
  }

  it('returns null with a reason when there are no decisive verdicts', () => {
    expect(binomialTest(0, 0)).toEqual({ value: null, reason: expect.any(String) });
  });
});
