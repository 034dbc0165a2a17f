import { none, ok, type Figure } from './figure.ts';
import { solveSpd } from './linear-solve.ts';
import { sigmoid } from './logistic.ts';
import { mleExists, type PairwiseTotals } from './pairwise-totals.ts';

export interface BtFit {
  /** Natural-log strengths, the base system at 0. */
  scores: Float64Array;
  logLik: number;
  iterations: number;
}

function btLogLik(tot: PairwiseTotals, theta: Float64Array): number {
  const s = tot.systems;
  let ll = 0;
  for (let i = 0; i < s; i++) {
    for (let j = i + 1; j < s; j++) {
      const n = tot.n[i * s + j] as number;
      if (n === 0) continue;
      const d = (theta[i] as number) - (theta[j] as number);
      const wij = tot.w[i * s + j] as number;
      // log σ(d) = −log(1 + e^{−d})
      const lp = -Math.log1p(Math.exp(-Math.abs(d))) + Math.min(0, d);
      const lq = -Math.log1p(Math.exp(-Math.abs(d))) + Math.min(0, -d);
      ll += wij * lp + (n - wij) * lq;
    }
  }
  return ll;
}

/**
 * Bradley–Terry maximum likelihood with ties counted as half a win each (the scores are the
 * pairwise score sums), fitted by Newton's method with step halving on the log-likelihood.
 */
export function fitBradleyTerry(
  tot: PairwiseTotals,
  base: number,
  start?: Float64Array,
): Figure<BtFit> {
  const s = tot.systems;
  if (s < 2) return none('fewer than 2 systems');
  const exists = mleExists(tot, base);
  if (!exists.ok) return none(exists.reason);
  const free: number[] = [];
  for (let i = 0; i < s; i++) if (i !== base) free.push(i);
  const m = free.length;
  const theta = start ? Float64Array.from(start) : new Float64Array(s);
  theta[base] = 0;
  let ll = btLogLik(tot, theta);
  const grad = new Float64Array(s);
  const info = new Float64Array(s * s);
  const g = new Float64Array(m);
  const h = new Float64Array(m * m);
  for (let iter = 1; iter <= 200; iter++) {
    grad.fill(0);
    info.fill(0);
    for (let i = 0; i < s; i++) {
      for (let j = i + 1; j < s; j++) {
        const n = tot.n[i * s + j] as number;
        if (n === 0) continue;
        const p = sigmoid((theta[i] as number) - (theta[j] as number));
        const r = (tot.w[i * s + j] as number) - n * p;
        grad[i] = (grad[i] as number) + r;
        grad[j] = (grad[j] as number) - r;
        const v = n * p * (1 - p);
        info[i * s + i] = (info[i * s + i] as number) + v;
        info[j * s + j] = (info[j * s + j] as number) + v;
        info[i * s + j] = (info[i * s + j] as number) - v;
        info[j * s + i] = (info[j * s + i] as number) - v;
      }
    }
    for (let a = 0; a < m; a++) {
      g[a] = grad[free[a] as number] as number;
      for (let b = 0; b < m; b++)
        h[a * m + b] = info[(free[a] as number) * s + (free[b] as number)] as number;
    }
    const step = solveSpd(h, g, m);
    if (!step) return none('information matrix is singular');
    let t = 1;
    let maxStep = 0;
    for (let a = 0; a < m; a++) maxStep = Math.max(maxStep, Math.abs(step[a] as number));
    const next = new Float64Array(theta);
    for (let halvings = 0; halvings < 60; halvings++) {
      for (let a = 0; a < m; a++)
        next[free[a] as number] = (theta[free[a] as number] as number) + t * (step[a] as number);
      const nll = btLogLik(tot, next);
      if (nll >= ll - 1e-12 * Math.abs(ll)) {
        ll = nll;
        break;
      }
      t /= 2;
    }
    theta.set(next);
    if (maxStep * t < 1e-11) return ok({ scores: theta, logLik: ll, iterations: iter });
  }
  return ok({ scores: theta, logLik: ll, iterations: 200 });
}
