import { describe, expect, it } from 'vitest';
import { cohenKappa } from '../../../server/stats/cohen-kappa.ts';
import { fleissKappa } from '../../../server/stats/fleiss-kappa.ts';
import { krippendorffAlphaNominal } from '../../../server/stats/krippendorff-alpha.ts';
import { rawAgreement } from '../../../server/stats/raw-agreement.ts';
import { ratingsFromUnits } from '../../../server/stats/ratings.ts';
import { expectFigure, fixture } from './helpers.ts';

interface Case {
  name: string;
  categories: number;
  raters: number;
  units: Array<Array<[number, number]>>;
  raw: number | null;
  fleiss: { value: number | null; raters: number; units: number } | null;
  krippendorff: number | null;
  krippendorffValues: number;
  krippendorffUnits: number;
  cohen01: number | null;
}
const ref = fixture<{ krippendorff2011: number; cases: Case[] }>('agreement.json');

describe('agreement matches scikit-learn / statsmodels / the Krippendorff reference to 1e-6', () => {
  it('reproduces the Krippendorff (2011) nominal worked example, alpha = 0.743', () => {
    const c = ref.cases.find((x) => x.name === 'krippendorff-2011-nominal') as Case;
    const alpha = krippendorffAlphaNominal(ratingsFromUnits(c.units, c.categories));
    expect(alpha.value?.value.toFixed(3)).toBe('0.743');
    expect(Math.abs((alpha.value?.value as number) - ref.krippendorff2011)).toBeLessThan(1e-9);
  });

  for (const c of ref.cases) {
    it(c.name, () => {
      const r = ratingsFromUnits(c.units, c.categories);
      const raw = rawAgreement(r);
      expectFigure({ value: raw.value?.value ?? null, reason: raw.reason }, c.raw);
      const alpha = krippendorffAlphaNominal(r);
      expectFigure({ value: alpha.value?.value ?? null, reason: alpha.reason }, c.krippendorff);
      // counts are whole numbers (a float sum of 1/(m−1) gave 5.999…, which the report refused)
      expect(alpha.value?.values ?? 0).toBe(c.krippendorffValues);
      expect(alpha.value?.units ?? 0).toBe(c.krippendorffUnits);
      const fleiss = fleissKappa(r);
      expectFigure(
        { value: fleiss.value?.value ?? null, reason: fleiss.reason },
        c.fleiss?.value ?? null,
      );
      if (c.fleiss && fleiss.value) {
        expect(fleiss.value.raters).toBe(c.fleiss.raters);
        expect(fleiss.value.units).toBe(c.fleiss.units);
      }
      const x: number[] = [];
      const y: number[] = [];
      for (const u of c.units) {
        const r0 = u.find(([rater]) => rater === 0);
        const r1 = u.find(([rater]) => rater === 1);
        if (r0 && r1) {
          x.push(r0[1]);
          y.push(r1[1]);
        }
      }
      expectFigure(cohenKappa(x, y, c.categories), c.cohen01);
    });
  }
});
