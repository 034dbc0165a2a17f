import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { withAddedVerdicts } from './agresti-coull.ts';
import type { ScoreMoments } from './moments.ts';
import { independentVariance } from './win-rate.ts';

/**
 * Two-sided p-values against a rate of ½, each the exact dual of one interval: the interval at
 * level 1 − α excludes ½ exactly when p < α, so a row's p-value and interval never disagree about
 * ½ (test/unit/stats/properties.test.ts checks it for every method).
 */

/** Upper tail of Student's t with `df` degrees of freedom (the normal when df is infinite). */
function upperTail(x: number, df: number): number {
  return Number.isFinite(df) ? 1 - tCdf(x, df) : normalCdf(-x, 0, 1);
}

/**
 * Score test of ½ on the effective sample size `ne`, dual to Wilson's interval at z (df infinite)
 * or at t_df (cluster-Wilson): Wilson's interval is {p₀ : (p̂ − p₀)² ≤ c²·p₀(1 − p₀)/n_eff}.
 */
export function scoreTestPValue(p: number, ne: number, df: number): number {
  const stat = Math.abs(p - 0.5) * 2 * Math.sqrt(ne);
  return Math.min(1, 2 * upperTail(stat, df));
}

/**
 * Equal-tailed exact binomial test of ½ for x successes in n trials (both may be fractional:
 * p̂·n_eff of n_eff), dual to the Clopper–Pearson interval: twice the smaller of P(X ≥ x) and
 * P(X ≤ x), through the beta distribution. (scipy's binomtest sums the outcomes no more likely
 * than x instead, which can disagree with Clopper–Pearson.)
 */
export function exactTestPValue(x: number, n: number): number {
  const upper = x <= 0 ? 1 : betaCdfAtHalf(x, n - x + 1);
  const lower = x >= n ? 1 : 1 - betaCdfAtHalf(x + 1, n - x);
  return Math.max(0, Math.min(1, 2 * Math.min(upper, lower)));
}

/**
 * a + b above which betaCdfAtHalf uses the Edgeworth expansion. @stdlib's beta CDF loses digits
 * near the distribution's mean when both parameters are huge (against scipy's betainc: relative
 * error 3e-10 at a + b = 10⁷, 6e-6 at 10⁸, 4% at 10⁹, and p-values below 0 beyond, as 400,000
 * ties with a win and a loss gave under `--ci exact`); the expansion's error is O(1/(a + b)), under
 * 1e-7 from here (test/unit/stats/dual-test.test.ts checks both against scipy).
 */
const EDGEWORTH_FROM = 1e7;

/** P(B ≤ ½) for B ~ Beta(a, b). */
function betaCdfAtHalf(a: number, b: number): number {
  const s = a + b;
  if (s <= EDGEWORTH_FROM) return betaCdf(0.5, a, b);
  // one-term Edgeworth expansion: Φ(w) − φ(w)·γ(w² − 1)/6, w standardised, γ the skewness
  const mean = a / s;
  const sd = Math.sqrt((a * b) / (s * s * (s + 1)));
  const skew = (2 * (b - a) * Math.sqrt(s + 1)) / ((s + 2) * Math.sqrt(a * b));
  const w = (0.5 - mean) / sd;
  const density = Math.exp(-0.5 * w * w) / Math.sqrt(2 * Math.PI);
  return Math.max(0, Math.min(1, normalCdf(w, 0, 1) - (density * skew * (w * w - 1)) / 6));
}

/** Wald z test of ½ with standard error `se`, dual to mean ± z·se. */
export function waldTestPValue(p: number, se: number): number {
  if (se === 0) return p === 0.5 ? 1 : 0;
  return Math.min(1, 2 * normalCdf(-Math.abs(p - 0.5) / se, 0, 1));
}

/**
 * Bootstrap p-value dual to the percentile interval on the same sorted replicates (numpy's linear
 * quantile), widened to hold the estimate (bootstrap.ts): the smallest α at which
 * [min(q(α/2), p̂), max(q(1 − α/2), p̂)] excludes ½. 0 when no replicate fell on p̂'s side of ½.
 */
export function bootstrapPValue(sorted: ArrayLike<number>, estimate: number): number {
  const m = sorted.length;
  const at = (i: number) => sorted[i] as number;
  if (estimate === 0.5) return 1;
  if (estimate > 0.5) {
    // only the lower end can pass ½: the largest level h with q(h) ≤ ½
    let j = -1;
    while (j + 1 < m && at(j + 1) <= 0.5) j++;
    if (j < 0) return 0;
    if (j === m - 1) return 1;
    const h = (j + (0.5 - at(j)) / (at(j + 1) - at(j))) / (m - 1);
    return Math.max(0, Math.min(1, 2 * h));
  }
  // only the upper end can pass ½: the smallest level h with q(h) ≥ ½
  let i = 0;
  while (i < m && at(i) < 0.5) i++;
  if (i === m) return 0;
  if (i === 0) return 1;
  const h = (i - 1 + (0.5 - at(i - 1)) / (at(i) - at(i - 1))) / (m - 1);
  return Math.max(0, Math.min(1, 2 * (1 - h)));
}

/**
 * Two-sided p-value against ½ dual to agrestiCoullBounds: the α at which the interval's edge
 * reaches ½. ½ lies outside at critical value c exactly when |p̂ − ½|·n > c·√(p̃(1 − p̃)(n + c²)),
 * whose right side grows with c, so the boundary c* is found by bisection and p = 2·P(T > c*) (T
 * normal when `df` is infinite, Student's t otherwise).
 */
export function agrestiCoullTestPValue(p: number, n: number, df: number): number {
  const gap = Math.abs(p - 0.5) * n;
  return edgePValue(gap, df, (c) => {
    const nt = n + c * c;
    const pt = (p * n + (c * c) / 2) / nt;
    return c * Math.sqrt(pt * (1 - pt) * nt);
  });
}

/**
 * Two-sided p-value against ½ dual to agrestiCoullAddedBounds (z): ½ lies outside at c exactly
 * when |Σnum − W/2| > c·√(Σ(sᵢ − p̃)²) over the verdicts with c²/2 wins and c²/2 losses added.
 */
export function agrestiCoullAddedTestPValue(m: ScoreMoments): number {
  const gap = Math.abs(m.sum - m.weight / 2);
  return edgePValue(gap, Number.POSITIVE_INFINITY, (c) => {
    const a = withAddedVerdicts(m, c);
    return c * a.weight * Math.sqrt(independentVariance(a));
  });
}

/**
 * 2·P(T > c*) for the critical value c* at which an interval's edge reaches ½: ½ is outside at c
 * while `gap` > reach(c), and reach grows with c, so c* is found by bisection.
 */
function edgePValue(gap: number, df: number, reach: (c: number) => number): number {
  if (gap === 0) return 1;
  const outside = (c: number) => gap > reach(c);
  let lo = 0;
  let hi = 1;
  while (outside(hi)) {
    lo = hi;
    hi *= 2;
    // beyond any interval a report can show: the tail at the cut-off bounds the p-value
    if (hi > 1e6) return Math.min(1, 2 * upperTail(hi, df));
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (outside(mid)) lo = mid;
    else hi = mid;
  }
  return Math.min(1, 2 * upperTail((lo + hi) / 2, df));
}
