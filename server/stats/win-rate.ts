import { none, ok, type Figure } from './figure.ts';
import type { ScoreMoments } from './moments.ts';

/** a's rate Σ numerator / Σ weight: the mean score with ties half, decisive share with ties excluded. */
export function winRate(m: ScoreMoments): Figure<number> {
  if (m.n === 0 || m.weight === 0) return none('no verdicts');
  return ok(m.sum / m.weight);
}

/** Σ (numeratorᵢ − p̂·weightᵢ)²: the squared residuals of the ratio, ≥ 0. */
function residualSquares(m: ScoreMoments): number {
  const p = m.sum / m.weight;
  return Math.max(0, m.sumSq - 2 * p * m.cross + p * p * m.weightSq);
}

/**
 * Variance of the rate if the verdicts were independent: Σ (xᵢ − p̂·wᵢ)² / W² (the linearised
 * ratio, no n − 1 correction). For win/loss verdicts it is exactly the binomial p̂(1 − p̂)/n; ties
 * (and fractional scores) lower it, as they carry less variance than a win or a loss.
 */
export function independentVariance(m: ScoreMoments): number {
  if (m.n === 0 || m.weight === 0) return Number.NaN;
  return residualSquares(m) / (m.weight * m.weight);
}

/**
 * Standard error of the rate with verdicts independent: with ties half, the sample standard
 * deviation of the scores (n − 1) over √n (AlpacaEval's standard_error); in general the same
 * linearisation with each verdict its own cluster, n/(n − 1) · Σ (xᵢ − p̂·wᵢ)² / W².
 */
export function standardError(m: ScoreMoments): Figure<number> {
  if (m.n < 2) return none('fewer than 2 verdicts');
  return ok(Math.sqrt((m.n / (m.n - 1)) * residualSquares(m)) / m.weight);
}
