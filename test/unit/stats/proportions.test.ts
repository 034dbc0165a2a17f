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
