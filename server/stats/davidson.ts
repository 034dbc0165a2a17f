import { none, ok, type Figure } from './figure.ts';
import { solveSpd } from './linear-solve.ts';
import { mleExists, type PairwiseTotals } from './pairwise-totals.ts';

export interface DavidsonFit {
  /** Natural-log strengths, the base system at 0. */
  scores: Float64Array;
  /** Davidson's tie parameter ν ≥ 0: P(tie) = ν√(πᵢπⱼ) / (πᵢ + πⱼ + ν√(πᵢπⱼ)). */
  nu: number;
  logLik: number;
  iterations: number;
}

/**
 * Per pair i<j: decisive score of i (wᵢⱼ − tᵢⱼ/2), of j, and ties. A fractional score s ≠ ½ counts
 * as s of a win and 1 − s of a loss.
 */
function logLik(tot: PairwiseTotals, theta: Float64Array, tau: number): number {
  const s = tot.systems;
  let ll = 0;
  for (let i = 0; i < s; i++) {
    for (let j = i + 1; j < s; j++) {
      const n = tot.n[i * s + j] as number;
      if (n === 0) continue;
      const t = tot.t[i * s + j] as number;
      const wi = (tot.w[i * s + j] as number) - t / 2;
      const wj = (tot.w[j * s + i] as number) - t / 2;
      const ti = theta[i] as number;
      const tj = theta[j] as number;
      const mx = Math.max(ti, tj, tau + (ti + tj) / 2);
      const logD =
        mx + Math.log(Math.exp(ti - mx) + Math.exp(tj - mx) + Math.exp(tau + (ti + tj) / 2 - mx));
      ll += wi * ti + wj * tj + (t > 0 ? t * (tau + (ti + tj) / 2) : 0) - n * logD;
    }
  }
  return ll;
}

/** Davidson (1970) tie model by Newton's method on (log-strengths, log ν) with step halving. */
export function fitDavidson(tot: PairwiseTotals, base: number): Figure<DavidsonFit> {
  const s = tot.systems;
  if (s < 2) return none('fewer than 2 systems');
  let ties = 0;
  let total = 0;
  for (let i = 0; i < s; i++) {
    for (let j = i + 1; j < s; j++) {
      ties += tot.t[i * s + j] as number;
      total += tot.n[i * s + j] as number;
    }
  }
  if (ties === 0) return none('no ties: the Davidson tie parameter is 0 (use Bradley–Terry)');
  if (ties === total) return none('every verdict is a tie: the Davidson tie parameter is infinite');
  const exists = mleExists(tot, base);
  if (!exists.ok) return none(exists.reason);
  const free: number[] = [];
  for (let i = 0; i < s; i++) if (i !== base) free.push(i);
  const m = free.length + 1; // + τ = log ν
  const theta = new Float64Array(s);
  let tau = Math.log((2 * ties) / (total - ties));
  let ll = logLik(tot, theta, tau);
  const dim = s + 1;
  for (let iter = 1; iter <= 200; iter++) {
    const grad = new Float64Array(dim);
    const info = new Float64Array(dim * dim);
    for (let i = 0; i < s; i++) {
      for (let j = i + 1; j < s; j++) {
        const n = tot.n[i * s + j] as number;
        if (n === 0) continue;
        const t = tot.t[i * s + j] as number;
        const wi = (tot.w[i * s + j] as number) - t / 2;
        const wj = (tot.w[j * s + i] as number) - t / 2;
        const ti = theta[i] as number;
        const tj = theta[j] as number;
        const et = tau + (ti + tj) / 2;
        const mx = Math.max(ti, tj, et);
        const ei = Math.exp(ti - mx);
        const ej = Math.exp(tj - mx);
        const ee = Math.exp(et - mx);
        const d = ei + ej + ee;
        const pi = ei / d;
        const pj = ej / d;
        const pt = ee / d;
        const ai = pi + pt / 2;
        const aj = pj + pt / 2;
        const idx = [i, j, s];
        const av = [ai, aj, pt];
        // second derivatives of log D (before subtracting a aᵀ)
        const h2 = [
          [pi + pt / 4, pt / 4, pt / 2],
          [pt / 4, pj + pt / 4, pt / 2],
          [pt / 2, pt / 2, pt],
        ];
        grad[i] = (grad[i] as number) + wi + t / 2 - n * ai;
        grad[j] = (grad[j] as number) + wj + t / 2 - n * aj;
        grad[s] = (grad[s] as number) + t - n * pt;
        for (let x = 0; x < 3; x++) {
          for (let y = 0; y < 3; y++) {
            const k = (idx[x] as number) * dim + (idx[y] as number);
            info[k] =
              (info[k] as number) +
              n * ((h2[x]![y] as number) - (av[x] as number) * (av[y] as number));
          }
        }
      }
    }
    const vars = [...free, s];
    const g = new Float64Array(m);
    const h = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      g[a] = grad[vars[a] as number] as number;
      for (let b = 0; b < m; b++)
        h[a * m + b] = info[(vars[a] as number) * dim + (vars[b] as number)] as number;
    }
    const step = solveSpd(h, g, m);
    if (!step) return none('information matrix is singular');
    let maxStep = 0;
    for (let a = 0; a < m; a++) maxStep = Math.max(maxStep, Math.abs(step[a] as number));
    let t = 1;
    const next = new Float64Array(theta);
    let nextTau = tau;
    for (let halvings = 0; halvings < 60; halvings++) {
      for (let a = 0; a < m - 1; a++)
        next[free[a] as number] = (theta[free[a] as number] as number) + t * (step[a] as number);
      nextTau = tau + t * (step[m - 1] as number);
      const nll = logLik(tot, next, nextTau);
      if (nll >= ll - 1e-12 * Math.abs(ll)) {
        ll = nll;
        break;
      }
      t /= 2;
    }
    theta.set(next);
    tau = nextTau;
    if (maxStep * t < 1e-11)
      return ok({ scores: theta, nu: Math.exp(tau), logLik: ll, iterations: iter });
  }
  return ok({ scores: theta, nu: Math.exp(tau), logLik: ll, iterations: 200 });
}
