import { none, ok, type Figure } from './figure.ts';
import { unitCount, type Ratings } from './ratings.ts';

export interface RawAgreement {
  value: number;
  /** Units with at least two ratings. */
  units: number;
  /** Pairs of ratings compared. */
  pairs: number;
}

/** Pairwise percent agreement: agreeing pairs of ratings within units over all such pairs. */
export function rawAgreement(r: Ratings): Figure<RawAgreement> {
  let agree = 0;
  let pairs = 0;
  let units = 0;
  const counts = new Float64Array(r.categories);
  for (let u = 0; u < unitCount(r); u++) {
    const start = r.unitStart[u] as number;
    const end = r.unitStart[u + 1] as number;
    const m = end - start;
    if (m < 2) continue;
    units++;
    counts.fill(0);
    for (let k = start; k < end; k++) counts[r.value[k] as number]!++;
    for (const c of counts) agree += (c * (c - 1)) / 2;
    pairs += (m * (m - 1)) / 2;
  }
  if (pairs === 0) return none('no comparison was rated by two or more judges');
  return ok({ value: agree / pairs, units, pairs });
}
