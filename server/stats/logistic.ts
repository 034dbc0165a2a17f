import { none, ok, type Figure } from './figure.ts';
import { solveSpd } from './linear-solve.ts';

/** The logistic function 1/(1 + e^−η), computed without overflow for either sign of η. */
export function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

export interface LogisticFit {
  intercept: number;
  slope: number;
  /** Standard error of the slope from the inverse Fisher information. */
  slopeSe: number;
  iterations: number;
}

/**
 * Logistic regression of a fractional response y ∈ [0, 1] on one covariate x with an intercept
 * (the binomial GLM with logit link; a tie scored ½ is half a success), by Newton's method. Each
 * observation may carry a weight (1 by default; a verdict's decisive mass with ties excluded).
 */
export function fitLogistic(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  weight?: ArrayLike<number>,
): Figure<LogisticFit> {
  const n = x.length;
  const wt = (i: number) => (weight ? (weight[i] as number) : 1);
  let total = 0;
  if (n < 3) return none('fewer than 3 verdicts with lengths');
  let xMin = Infinity;
  let xMax = -Infinity;
  let ySum = 0;
  // the x ranges of the successes and of the failures (a fractional y, a tie, is some of each)
  let sMin = Infinity;
  let sMax = -Infinity;
  let fMin = Infinity;
  let fMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    xMin = Math.min(xMin, xi);
    xMax = Math.max(xMax, xi);
    ySum += wt(i) * yi;
    total += wt(i);
    if (yi > 0) {
      sMin = Math.min(sMin, xi);
      sMax = Math.max(sMax, xi);
    }
    if (yi < 1) {
      fMin = Math.min(fMin, xi);
      fMax = Math.max(fMax, xi);
    }
  }
  if (xMin === xMax) return none('every verdict has the same length difference');
  if (ySum === 0 || ySum === total)
    return none('one side won every verdict: the logistic fit diverges');
  // With one covariate and an intercept the maximum-likelihood fit exists exactly when the
  // successes and the failures overlap in x (Albert & Anderson 1984): if every failure lies at or
  // below every success, or above, the slope runs to infinity. Checked on the data, so that the
  // scale of x does not matter (a rule on the slope's size called a slope of 66 on log length
  // ratios within ±0.05 separation; one on the log-odds' spread called a slope of 4 on ±7.6 one).
  if (fMax <= sMin || sMax <= fMin) return none('the logistic fit diverges (separation)');
  let b0 = 0;
  let b1 = 0;
  const info = new Float64Array(4);
  const grad = new Float64Array(2);
  for (let iter = 1; iter <= 100; iter++) {
    info.fill(0);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      const eta = b0 + b1 * xi;
      const p = sigmoid(eta);
      const r = wt(i) * ((y[i] as number) - p);
      const v = wt(i) * p * (1 - p);
      grad[0] = (grad[0] as number) + r;
      grad[1] = (grad[1] as number) + r * xi;
      info[0] = (info[0] as number) + v;
      info[1] = (info[1] as number) + v * xi;
      info[3] = (info[3] as number) + v * xi * xi;
    }
    info[2] = info[1] as number;
    const step = solveSpd(info, grad, 2);
    if (!step) return none('information matrix is singular');
    b0 += step[0] as number;
    b1 += step[1] as number;
    if (!Number.isFinite(b0) || !Number.isFinite(b1))
      return none('the logistic fit diverges (separation)');
    if (Math.max(Math.abs(step[0] as number), Math.abs(step[1] as number)) < 1e-12) {
      const det = (info[0] as number) * (info[3] as number) - (info[1] as number) ** 2;
      return ok({
        intercept: b0,
        slope: b1,
        slopeSe: Math.sqrt((info[0] as number) / det),
        iterations: iter,
      });
    }
  }
  return none('the logistic fit did not converge');
}
