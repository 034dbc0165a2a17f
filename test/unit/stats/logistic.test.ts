import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../../../server/stats/logistic.ts';
import { fixture } from './helpers.ts';

describe('logistic fit for length bias matches statsmodels GLM (binomial, fractional response)', () => {
  for (const [i, c] of fixture<
    Array<{ x: number[]; y: number[]; intercept: number; slope: number; slopeSe: number }>
  >('logistic.json').entries()) {
    it(`case ${i} (n=${c.x.length})`, () => {
      const fit = fitLogistic(c.x, c.y);
      expect(fit.value).not.toBeNull();
      expect(Math.abs(fit.value!.intercept - c.intercept)).toBeLessThan(1e-6);
      expect(Math.abs(fit.value!.slope - c.slope)).toBeLessThan(1e-6);
      expect(Math.abs(fit.value!.slopeSe - c.slopeSe)).toBeLessThan(1e-6);
    });
  }

  it('with weights (decisive masses under --ties exclude) as statsmodels GLM with freq_weights', () => {
    // statsmodels 0.13.5: sm.GLM(y, sm.add_constant(x), family=Binomial(), freq_weights=w)
    const x = [-0.5, -0.3, -0.1, 0.0, 0.1, 0.2, 0.35, 0.5, 0.6, 0.8];
    const y = [0, 1, 0, 1, 1, 0, 1, 1, 0, 1];
    const w = [0.2, 1, 0.4, 0.6, 1, 0.1, 0.8, 1, 0.3, 0.5];
    const fit = fitLogistic(x, y, w).value!;
    expect(fit.intercept).toBeCloseTo(1.4430524173673156, 9);
    expect(fit.slope).toBeCloseTo(1.1296945435556802, 9);
    expect(fit.slopeSe).toBeCloseTo(3.200002009052814, 9);
  });

  it('calls a separated sample separation, on a narrow covariate as on a wide one', () => {
    const separated: Array<[number[], number[]]> = [
      [
        [-2, -1, 1, 2],
        [0, 0, 1, 1],
      ],
      [
        [-2, -1, 1, 2],
        [1, 1, 0, 0],
      ],
      // quasi-separation: the classes meet at one x (a tie there is half of each)
      [
        [0, 0, 1, 1],
        [0, 1, 1, 1],
      ],
      [
        [0, 1, 1, 2],
        [0, 0.5, 0.5, 1],
      ],
    ];
    for (const [x, y] of separated)
      for (const scale of [1, 0.01, 100])
        expect(
          fitLogistic(
            x.map((v) => v * scale),
            y,
          ).reason,
        ).toBe('the logistic fit diverges (separation)');
    // so are classes meeting at one x with a win and a loss there; one failure above one success
    // is enough for a fit
    expect(fitLogistic([0, 1, 1, 2], [0, 1, 0, 1]).reason).toMatch(/separation/);
    expect(fitLogistic([0, 1, 2, 3], [0, 1, 0, 1]).value).not.toBeNull();
  });

  it('returns null with a reason when one side won everything', () => {
    expect(fitLogistic([1, 2, 3], [1, 1, 1]).reason).toMatch(/every/);
  });
});
