import { none, ok, type Figure } from './figure.ts';
import { unitCount, type Ratings } from './ratings.ts';

export interface KrippendorffAlpha {
  value: number;
  /** Pairable values: ratings in units with at least two ratings. */
  values: number;
  units: number;
}

/**
 * Krippendorff's alpha for nominal data with missing ratings (Krippendorff 2011, "Computing
 * Krippendorff's alpha-reliability"), from the coincidence matrix:
 * α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
 */
export function krippendorffAlphaNominal(r: Ratings): Figure<KrippendorffAlpha> {
  const q = r.categories;
  const o = new Float64Array(q * q);
  const counts = new Float64Array(q);
  let units = 0;
  for (let u = 0; u < unitCount(r); u++) {
    const start = r.unitStart[u] as number;
    const end = r.unitStart[u + 1] as number;
    const m = end - start;
    if (m < 2) continue;
    units++;
    counts.fill(0);
    for (let k = start; k < end; k++) counts[r.value[k] as number]!++;
    for (let c = 0; c < q; c++) {
      const nc = counts[c] as number;
      if (nc === 0) continue;
      for (let k = 0; k < q; k++) {
        const nk = counts[k] as number;
        if (nk === 0) continue;
        o[c * q + k] = (o[c * q + k] as number) + (c === k ? nc * (nc - 1) : nc * nk) / (m - 1);
      }
    }
  }
  const nc = new Float64Array(q);
  let n = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) nc[c] = (nc[c] as number) + (o[c * q + k] as number);
    n += nc[c] as number;
  }
  if (n === 0) return none('no comparison was rated by two or more judges');
  let disagreeObserved = 0;
  let disagreeExpected = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      if (c === k) continue;
      disagreeObserved += o[c * q + k] as number;
      disagreeExpected += (nc[c] as number) * (nc[k] as number);
    }
  }
  if (disagreeExpected === 0)
    return none(
      'every pairable rating is the same category: expected disagreement is 0, alpha undefined',
    );
  return ok({ value: 1 - ((n - 1) * disagreeObserved) / disagreeExpected, values: n, units });
}
