import { none, ok, type Figure } from './figure.ts';

/**
 * Cohen's kappa of two raters' nominal labels on the same units (scikit-learn's
 * cohen_kappa_score, unweighted): (pₒ − pₑ) / (1 − pₑ).
 */
export function cohenKappa(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  categories: number,
): Figure<number> {
  const n = x.length;
  if (n !== y.length) throw new RangeError('rating vectors differ in length');
  if (n === 0) return none('no comparisons rated by both judges');
  const rows = new Float64Array(categories);
  const cols = new Float64Array(categories);
  let same = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    rows[a]!++;
    cols[b]!++;
    if (a === b) same++;
  }
  const po = same / n;
  let pe = 0;
  for (let c = 0; c < categories; c++) pe += ((rows[c] as number) * (cols[c] as number)) / (n * n);
  if (pe >= 1)
    return none(
      'both judges gave one and the same label throughout: chance agreement is 1, kappa undefined',
    );
  return ok((po - pe) / (1 - pe));
}
