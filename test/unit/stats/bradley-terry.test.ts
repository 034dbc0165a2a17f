import { describe, expect, it } from 'vitest';
import { fitBradleyTerry } from '../../../server/stats/bradley-terry.ts';
import { fitDavidson } from '../../../server/stats/davidson.ts';
import {
  addVerdict,
  emptyTotals,
  type PairwiseTotals,
} from '../../../server/stats/pairwise-totals.ts';
import { fixture } from './helpers.ts';

interface Case {
  name: string;
  systems: number;
  base: number;
  rows: Array<[number, number, number, number, number]>;
  bt: number[];
  davidson?: { scores: number[]; nu: number };
}

function totalsFromRows(systems: number, rows: Case['rows']): PairwiseTotals {
  const tot = emptyTotals(systems);
  for (const [i, j, n, w, t] of rows) {
    // decompose into wins, losses and ties of i against j
    const wins = w - t / 2;
    addVerdict(tot, i, j, 1, wins);
    addVerdict(tot, i, j, 0, n - wins - t);
    addVerdict(tot, i, j, 0.5, t);
  }
  return tot;
}

describe('Bradley–Terry and Davidson match statsmodels / scipy to 1e-6', () => {
  for (const c of fixture<Case[]>('bradley-terry.json')) {
    it(`${c.name}: Bradley–Terry (ties half)`, () => {
      const fit = fitBradleyTerry(totalsFromRows(c.systems, c.rows), c.base);
      expect(fit.value).not.toBeNull();
      const scores = Array.from(fit.value!.scores);
      expect(scores[c.base]).toBe(0);
      scores.forEach((s, i) => expect(Math.abs(s - (c.bt[i] as number))).toBeLessThan(1e-6));
    });
    if (c.davidson) {
      const ref = c.davidson;
      it(`${c.name}: Davidson`, () => {
        const fit = fitDavidson(totalsFromRows(c.systems, c.rows), c.base);
        expect(fit.value).not.toBeNull();
        Array.from(fit.value!.scores).forEach((s, i) =>
          expect(Math.abs(s - (ref.scores[i] as number))).toBeLessThan(1e-6),
        );
        expect(Math.abs(fit.value!.nu - ref.nu)).toBeLessThan(1e-6);
      });
    }
  }

  it('returns null with a reason when one system won every comparison', () => {
    const tot = emptyTotals(2);
    addVerdict(tot, 1, 0, 1, 10);
    const fit = fitBradleyTerry(tot, 0);
    expect(fit.value).toBeNull();
    expect(fit.reason).toMatch(/infinite/);
  });

  it('gives equal strengths when every verdict is a tie', () => {
    const tot = emptyTotals(3);
    addVerdict(tot, 1, 0, 0.5, 5);
    addVerdict(tot, 2, 0, 0.5, 5);
    const fit = fitBradleyTerry(tot, 0);
    expect(Array.from(fit.value!.scores).map((v) => Math.abs(v) < 1e-12)).toEqual([
      true,
      true,
      true,
    ]);
    expect(fitDavidson(tot, 0).reason).toMatch(/tie/);
  });
});
