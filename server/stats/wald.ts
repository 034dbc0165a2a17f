import { none, ok, type Figure, type Interval } from './figure.ts';
import { zCritical } from './wilson.ts';

/** Normal (Wald) interval on the per-verdict scores: mean ± z·se, clipped to [0, 1]. */
export function waldInterval(
  mean: number | null,
  se: number | null,
  level: number,
): Figure<Interval> {
  const z = zCritical(level);
  if (mean === null || se === null) return none('standard error undefined (fewer than 2 verdicts)');
  return ok([Math.max(0, mean - z * se), Math.min(1, mean + z * se)]);
}
