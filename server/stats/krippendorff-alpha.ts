import { none, ok, type Figure } from './figure.ts';
import { unitCount, type Ratings } from './ratings.ts';

export interface KrippendorffAlpha {
  value: number;
  /** Pairable values: ratings in units with at least two ratings. */
  values: number;
  units: number;
}

/**
 * The pairable values (ratings in units with at least two) and their units, which alpha is
 * computed from: reported beside an alpha that cannot be computed too.
 */
export function pairableValues(r: Ratings): { values: number; units: number } {
  let values = 0;
  let units = 0;
  for (let u = 0; u < unitCount(r); u++) {
    const m = (r.unitStart[u + 1] as number) - (r.unitStart[u] as number);
    if (m < 2) continue;
    units++;
    values += m;
  }
  return { values, units };
}

/**
 * Krippendorff's alpha for nominal data with missing ratings (Krippendorff 2011, "Computing
 * Krippendorff's alpha-reliability"), from the coincidence matrix:
 * α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
 *
 * The marginals n_c (and n) are counted as integers, not summed from the matrix's 1/(m − 1)
 * shares: that sum came out as 5.999…9 for six ratings, and a count must be a whole number. Only
 * the observed disagreement, Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1), is fractional.
 */
export function krippendorffAlphaNominal(r: Ratings): Figure<KrippendorffAlpha> {
  const q = r.categories;
  const counts = new Int32Array(q);
  const nc = new Float64Array(q);
  let n = 0;
  let units = 0;
  let disagreeObserved = 0;
  for (let u = 0; u < unitCount(r); u++) {
    const start = r.unitStart[u] as number;
    const end = r.unitStart[u + 1] as number;
    const m = end - start;
    if (m < 2) continue;
    units++;
    n += m;
    counts.fill(0);
    for (let k = start; k < end; k++) counts[r.value[k] as number]!++;
    // Σ_{c≠k} n_uc n_uk = m² − Σ_c n_uc², an integer
    let sameSq = 0;
    for (let c = 0; c < q; c++) {
      const v = counts[c] as number;
      sameSq += v * v;
      nc[c] = (nc[c] as number) + v;
    }
    disagreeObserved += (m * m - sameSq) / (m - 1);
  }
  if (n === 0) return none('no comparison was rated by two or more judges');
  let marginalSq = 0;
  for (let c = 0; c < q; c++) marginalSq += (nc[c] as number) * (nc[c] as number);
  const disagreeExpected = n * n - marginalSq;
  if (disagreeExpected === 0)
    return none(
      'every pairable rating is the same category: expected disagreement is 0, alpha undefined',
    );
  return ok({ value: 1 - ((n - 1) * disagreeObserved) / disagreeExpected, values: n, units });
}
