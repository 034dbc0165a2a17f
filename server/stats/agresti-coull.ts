import type { Interval } from './figure.ts';
import type { ScoreMoments } from './moments.ts';
import { independentVariance } from './win-rate.ts';

/**
 * Agresti–Coull (1998) on n trials with p̂·n successes at critical value `crit` (z, or t on a
 * clustered design): p̃ ± c·√(p̃(1 − p̃)/ñ) with ñ = n + c² and p̃ = (p̂·n + c²/2)/ñ, clipped to
 * [0, 1]. It contains Wilson's interval at the same c, so it holds p̂. With clustered verdicts it
 * is `--ci agresti-coull` on the design's n_eff; with one verdict per item the default is
 * agrestiCoullAddedBounds, which equals it when no verdict is a tie.
 */
export function agrestiCoullBounds(p: number, n: number, crit: number): Interval {
  const nt = n + crit * crit;
  const pt = (p * n + (crit * crit) / 2) / nt;
  const h = crit * Math.sqrt((pt * (1 - pt)) / nt);
  return [Math.max(0, pt - h), Math.min(1, pt + h)];
}

/**
 * The verdicts `m` with Agresti–Coull's c²/2 wins and c²/2 losses added (each of weight 1): the
 * "add two successes and two failures" of Agresti & Coull (1998), for a score that may also be a
 * tie or fractional.
 */
export function withAddedVerdicts(m: ScoreMoments, crit: number): ScoreMoments {
  const half = (crit * crit) / 2;
  return {
    ...m,
    n: m.n + 2 * half,
    sum: m.sum + half,
    sumSq: m.sumSq + half,
    weight: m.weight + 2 * half,
    weightSq: m.weightSq + 2 * half,
    cross: m.cross + half,
    decisive: m.decisive + 2 * half,
    wins: m.wins + half,
    losses: m.losses + half,
  };
}

/**
 * Agresti–Coull by added verdicts, the default with one verdict per item (docs/statistics.md, "One
 * verdict per item"): add c²/2 wins and c²/2 losses, then the Wald interval of the augmented
 * verdicts, p̃ ± c·√(Σ(sᵢ − p̃)²)/(n + c²) (the ratio's linearised variance for weighted or
 * tie-excluded scores). Without ties it is exactly Agresti–Coull, since the augmented verdicts'
 * variance is then p̃(1 − p̃). With ties, each tie enters at its own, smaller variance (so 10 wins
 * and 90 ties get [0.514, 0.582], not Wilson's [0.452, 0.644]), while the added wins and losses
 * keep a study whose decisive verdicts all went one way from looking certain: unlike Agresti–Coull
 * on the observed variance's n_eff, no bound ever falls when a loss turns into a tie or a tie into a
 * win (9 wins and a tie on 10 items had p = 0.0002, 10 wins p = 0.0046). It holds p̂: the added
 * verdicts alone give Σ(sᵢ − p̃)² ≥ c²/4 ≥ c²(p̂ − ½)², and |p̂ − p̃| = c²|p̂ − ½|/(n + c²).
 */
export function agrestiCoullAddedBounds(m: ScoreMoments, crit: number): Interval {
  const a = withAddedVerdicts(m, crit);
  const pt = a.sum / a.weight;
  const h = crit * Math.sqrt(independentVariance(a));
  return [Math.max(0, pt - h), Math.min(1, pt + h)];
}
