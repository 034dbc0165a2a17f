import quantile from '@stdlib/stats-base-dists-normal-quantile';
import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';

/** Two-sided critical value of the standard normal for a confidence level. */
export function zCritical(level: number): number {
  checkLevel(level);
  return quantile(1 - (1 - level) / 2, 0, 1);
}

/**
 * Wilson score interval, as statsmodels' proportion_confint(count, nobs, method="wilson"); count
 * may be fractional (wins + ties/2).
 */
export function wilsonInterval(successes: number, n: number, level: number): Figure<Interval> {
  const z = zCritical(level);
  if (n === 0) return none('no verdicts');
  return ok(wilsonBounds(successes / n, n, z));
}

/** Wilson's bounds for proportion `p` over `n` at critical value `crit` (z, or t for clusters). */
export function wilsonBounds(p: number, n: number, crit: number): Interval {
  const c2 = crit * crit;
  const denom = 1 + c2 / n;
  const center = (p + c2 / (2 * n)) / denom;
  const half = (crit * Math.sqrt((p * (1 - p)) / n + c2 / (4 * n * n))) / denom;
  // Wilson's interval holds p; in floating point center ± half can miss it by an ulp (5 wins of 5
  // gave an upper bound of 0.9999999999999999 beside a rate of 1)
  return [Math.max(0, Math.min(p, center - half)), Math.min(1, Math.max(p, center + half))];
}
