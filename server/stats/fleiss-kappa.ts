import { none, ok, type Figure } from './figure.ts';
import { unitCount, type Ratings } from './ratings.ts';

export interface FleissKappa {
  value: number;
  /** Units used: those with exactly `raters` ratings. */
  units: number;
  raters: number;
}

/**
 * The units Fleiss' kappa uses: those with the most common count of ratings (≥ 2; the larger
 * count on a tie), and that count; 0 and 0 when no unit has two ratings. Reported beside a kappa
 * that cannot be computed too.
 */
export function fleissUnits(r: Ratings): { units: number; raters: number } {
  const byCount = new Map<number, number>();
  for (let u = 0; u < unitCount(r); u++) {
    const m = (r.unitStart[u + 1] as number) - (r.unitStart[u] as number);
    if (m >= 2) byCount.set(m, (byCount.get(m) ?? 0) + 1);
  }
  let raters = 0;
  let units = 0;
  for (const [m, c] of byCount)
    if (c > units || (c === units && m > raters)) [raters, units] = [m, c];
  return { units, raters };
}

/**
 * Fleiss' kappa (statsmodels' fleiss_kappa, method "fleiss"). It needs the same number of ratings
 * per unit, so it uses the units with the most common count of ratings (fleissUnits).
 */
export function fleissKappa(r: Ratings): Figure<FleissKappa> {
  const { units, raters } = fleissUnits(r);
  if (units === 0) return none('no comparison was rated by two or more judges');
  const catTotals = new Float64Array(r.categories);
  const counts = new Float64Array(r.categories);
  let pSum = 0;
  for (let u = 0; u < unitCount(r); u++) {
    const start = r.unitStart[u] as number;
    const end = r.unitStart[u + 1] as number;
    if (end - start !== raters) continue;
    counts.fill(0);
    for (let k = start; k < end; k++) counts[r.value[k] as number]!++;
    let sq = 0;
    for (let c = 0; c < r.categories; c++) {
      const v = counts[c] as number;
      sq += v * v;
      catTotals[c] = (catTotals[c] as number) + v;
    }
    pSum += (sq - raters) / (raters * (raters - 1));
  }
  const total = units * raters;
  let pe = 0;
  for (const t of catTotals) pe += (t / total) * (t / total);
  if (pe >= 1)
    return none('every rating is the same category: chance agreement is 1, kappa undefined');
  return ok({ value: (pSum / units - pe) / (1 - pe), units, raters });
}
