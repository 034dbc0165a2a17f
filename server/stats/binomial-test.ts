import cdf from '@stdlib/stats-base-dists-binomial-cdf';
import pmf from '@stdlib/stats-base-dists-binomial-pmf';
import { none, ok, type Figure } from './figure.ts';

/** Survival function P(X > x), computed as a lower tail to keep small p-values accurate. */
function sf(x: number, n: number, p: number): number {
  if (x < 0) return 1;
  if (x >= n) return 0;
  return cdf(n - x - 1, n, 1 - p);
}

/**
 * Two-sided exact binomial test of k successes in n trials against p, with scipy.stats.binomtest's
 * semantics: the p-value sums the probabilities of all outcomes no more likely than k (relative
 * tolerance 1e-7).
 */
export function binomialTest(k: number, n: number, p = 0.5): Figure<number> {
  if (n === 0) return none('no decisive verdicts (wins + losses = 0)');
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n)
    throw new RangeError(`bad binomial test input k=${k} n=${n}`);
  const d = pmf(k, n, p);
  const rerr = 1 + 1e-7;
  if (k === p * n) return ok(1);
  let pval: number;
  if (k < p * n) {
    // the first x in [ceil(pn), n] whose pmf is ≤ d·rerr
    let lo = Math.ceil(p * n);
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pmf(mid, n, p) <= d * rerr) hi = mid;
      else lo = mid + 1;
    }
    const y = pmf(lo, n, p) <= d * rerr ? n - lo + 1 : 0;
    pval = cdf(k, n, p) + sf(n - y, n, p);
  } else {
    // the last x in [0, floor(pn)] whose pmf is ≤ d·rerr
    let lo = 0;
    let hi = Math.floor(p * n);
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (pmf(mid, n, p) <= d * rerr) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const y = found + 1;
    pval = (y > 0 ? cdf(y - 1, n, p) : 0) + sf(k - 1, n, p);
  }
  return ok(Math.min(1, pval));
}
