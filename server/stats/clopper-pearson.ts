import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';

/** Exact Clopper–Pearson interval for k successes in n trials (ties are excluded by the caller). */
export function clopperPearsonInterval(k: number, n: number, level: number): Figure<Interval> {
  checkLevel(level);
  if (n === 0) return none('no decisive verdicts (wins + losses = 0)');
  const alpha = 1 - level;
  const low = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
  const high = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return ok([low, high]);
}
