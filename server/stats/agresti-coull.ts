import type { Interval } from './figure.ts';

/**
 * Agresti–Coull (1998) on n trials with p̂·n successes at critical value `crit` (z, or t on a
 * clustered design): p̃ ± c·√(p̃(1 − p̃)/ñ) with ñ = n + c² and p̃ = (p̂·n + c²/2)/ñ, clipped to
 * [0, 1]. It contains Wilson's interval at the same c, so it holds p̂. The default with one verdict
 * per item (docs/statistics.md, "One verdict per item"): exact coverage at least 93% in every cell
 * of the coverage grid from 10 items, where Wilson falls to 0.914.
 */
export function agrestiCoullBounds(p: number, n: number, crit: number): Interval {
  const nt = n + crit * crit;
  const pt = (p * n + (crit * crit) / 2) / nt;
  const h = crit * Math.sqrt((pt * (1 - pt)) / nt);
  return [Math.max(0, pt - h), Math.min(1, pt + h)];
}
