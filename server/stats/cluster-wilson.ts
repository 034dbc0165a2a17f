import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { ClusterScores } from './bootstrap.ts';
import { wilsonBounds } from './wilson.ts';
import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';
import type { ScoreMoments } from './moments.ts';
import { standardError } from './win-rate.ts';

/** The design effect behind a cluster-Wilson interval, reported for transparency and tests. */
export interface DesignEffect {
  /** Items with at least one included verdict (the clusters). */
  items: number;
  /** Variance of the win rate with items as clusters (ratio estimator, linearised). */
  variance: number;
  /** variance / (p̂(1 − p̂)/n); 1 when either is 0. */
  deff: number;
  /** Binomial-equivalent sample size n / deff. */
  effectiveN: number;
  /** Degrees of freedom of the t critical value: items − 1. */
  df: number;
}

/**
 * Design effect of the win rate p̂ = Σ sums / Σ counts with items as clusters (Kish; Korn &
 * Graubard 1998). The clustered variance is the with-replacement linearisation of the ratio,
 * k/(k − 1) · Σ (sumᵢ − p̂·countᵢ)² / n², floored at the variance the same verdicts would have if
 * independent (se², the sample variance of the per-verdict scores over n): clustering never makes
 * the estimate more precise than independent verdicts. Without ties that floor is deff = 1; with
 * ties counted half, a verdict carries less variance than a binomial one, so deff may be below 1.
 * When p̂ is 0 or 1, or the variance is 0 (all verdicts equal), deff is taken as 1 (n_eff = n).
 */
export function designEffect(clusters: ClusterScores, m: ScoreMoments): Figure<DesignEffect> {
  if (m.n === 0) return none('no verdicts');
  let k = 0;
  for (const c of clusters.counts) if (c > 0) k++;
  if (k < 2) return none('fewer than 2 items: the clustered variance is undefined');
  const n = m.n;
  const p = m.sum / n;
  let ss = 0;
  for (let i = 0; i < clusters.sums.length; i++) {
    const c = clusters.counts[i] as number;
    if (c === 0) continue;
    const e = (clusters.sums[i] as number) - p * c;
    ss += e * e;
  }
  const clustered = ((k / (k - 1)) * ss) / (n * n);
  const se = standardError(m).value ?? 0;
  const variance = Math.max(clustered, se * se);
  const binomial = (p * (1 - p)) / n;
  // a variance of 0 up to rounding means all verdicts are equal: deff 1
  const deff = binomial > 0 && variance > 1e-12 * binomial ? variance / binomial : 1;
  return ok({ items: k, variance, deff, effectiveN: n / deff, df: k - 1 });
}

/**
 * Cluster-Wilson interval: the Wilson score interval on the effective sample size n_eff = n / deff
 * with p̂·n_eff successes, and Student's t with items − 1 degrees of freedom in place of z (Korn &
 * Graubard's degrees-of-freedom adjustment: Wilson at critical value t on n_eff equals Wilson at z
 * on n_eff·(z/t)²). It keeps Wilson's good behaviour near 0 and 1, where the percentile bootstrap
 * over few items collapses onto the all-wins resamples; see docs/statistics.md for its coverage.
 */
export function clusterWilsonInterval(
  clusters: ClusterScores,
  m: ScoreMoments,
  level: number,
): Figure<Interval> {
  checkLevel(level);
  const d = designEffect(clusters, m);
  if (d.value === null) return none(d.reason);
  const { effectiveN: ne, df } = d.value;
  const p = m.sum / m.n;
  return ok(wilsonBounds(p, ne, tQuantile(1 - (1 - level) / 2, df)));
}
