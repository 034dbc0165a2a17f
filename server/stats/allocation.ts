/**
 * Adaptive allocation (issue 15): which system pair's comparisons the queue should hand out next so
 * that the study's intervals narrow fastest.
 *
 * The model is Bradley–Terry on the verdicts so far (ties half a win), fitted with a weak normal
 * prior on the log-strengths (precision `prior`, so the fit exists from the first verdict on and
 * with pairs not yet judged). One more verdict of pair (i, j) adds w·xxᵀ to the Fisher information,
 * with x = eᵢ − eⱼ and w = p(1 − p) at the fitted win probability p: the covariance Σ of the
 * strengths shrinks by the Sherman–Morrison step w·ΣxxᵀΣ/(1 + w·xᵀΣx), whatever the verdict says.
 * The plan is greedy: each next verdict goes to the pair whose verdict most reduces Σ_c V(c)⁴, the
 * sum over all pairs c = (k, l) of the fourth power of V(c) = (pₖₗ(1 − pₖₗ))²·Var(θₖ − θₗ), the
 * delta-method variance of the pair's win rate (the figure the report shows). The high power makes
 * the sum behave like its largest term, so verdicts go to the pairs whose intervals are widest (as
 * the issue asks), while the indirect evidence a verdict brings to the other pairs through the
 * shared strengths is still counted; squares and plain sums were tried in the simulation
 * (scripts/adaptive-allocation.ts) and saved fewer verdicts. Then Σ is updated and the next pick is
 * made. With two systems there is one pair and the plan is that pair's comparisons in queue order.
 *
 * The planned order needs no outcomes (the information a verdict adds does not depend on what it
 * says), so a whole queue order is planned at once and replanned when verdicts land. Pure: no I/O,
 * no randomness; the caller keeps the sides' randomisation and the K-judge rule (the queue does).
 */

import { sigmoid } from './logistic.ts';

/** One pair's verdict totals so far: `score` is i's wins plus half its ties over `n` verdicts. */
export interface PairTotal {
  i: number;
  j: number;
  score: number;
  n: number;
}

export interface AllocationOptions {
  /** Precision of the normal prior on each log-strength (default ¼: a prior sd of 2 logits). */
  prior?: number;
}

const DEFAULT_PRIOR = 0.25;

/** Inverts a symmetric positive-definite n×n matrix (row-major) by Gauss–Jordan. */
function invert(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    const d = m[c * n + c] as number;
    for (let k = 0; k < n; k++) {
      m[c * n + k] = (m[c * n + k] as number) / d;
      inv[c * n + k] = (inv[c * n + k] as number) / d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c] as number;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k] = (m[r * n + k] as number) - f * (m[c * n + k] as number);
        inv[r * n + k] = (inv[r * n + k] as number) - f * (inv[c * n + k] as number);
      }
    }
  }
  return inv;
}

/**
 * The penalised Bradley–Terry fit (maximum a posteriori under the prior) and its posterior
 * information matrix: Newton's method on a strictly concave objective.
 */
export function penalisedStrengths(
  systems: number,
  totals: readonly PairTotal[],
  prior = DEFAULT_PRIOR,
): { theta: Float64Array; info: Float64Array } {
  const s = systems;
  const theta = new Float64Array(s);
  const info = new Float64Array(s * s);
  const grad = new Float64Array(s);
  for (let iter = 0; iter < 50; iter++) {
    info.fill(0);
    grad.fill(0);
    for (let k = 0; k < s; k++) {
      info[k * s + k] = prior;
      grad[k] = -prior * (theta[k] as number);
    }
    for (const t of totals) {
      if (t.n === 0) continue;
      const p = sigmoid((theta[t.i] as number) - (theta[t.j] as number));
      const g = t.score - t.n * p;
      const w = t.n * p * (1 - p);
      grad[t.i] = (grad[t.i] as number) + g;
      grad[t.j] = (grad[t.j] as number) - g;
      info[t.i * s + t.i] = (info[t.i * s + t.i] as number) + w;
      info[t.j * s + t.j] = (info[t.j * s + t.j] as number) + w;
      info[t.i * s + t.j] = (info[t.i * s + t.j] as number) - w;
      info[t.j * s + t.i] = (info[t.j * s + t.i] as number) - w;
    }
    const inv = invert(info, s);
    let step = 0;
    for (let a = 0; a < s; a++) {
      let d = 0;
      for (let b = 0; b < s; b++) d += (inv[a * s + b] as number) * (grad[b] as number);
      theta[a] = (theta[a] as number) + d;
      step = Math.max(step, Math.abs(d));
    }
    if (step < 1e-10) break;
  }
  // the information at the final strengths
  info.fill(0);
  for (let k = 0; k < s; k++) info[k * s + k] = prior;
  for (const t of totals) {
    if (t.n === 0) continue;
    const p = sigmoid((theta[t.i] as number) - (theta[t.j] as number));
    const w = t.n * p * (1 - p);
    info[t.i * s + t.i] = (info[t.i * s + t.i] as number) + w;
    info[t.j * s + t.j] = (info[t.j * s + t.j] as number) + w;
    info[t.i * s + t.j] = (info[t.i * s + t.j] as number) - w;
    info[t.j * s + t.i] = (info[t.j * s + t.i] as number) - w;
  }
  return { theta, info };
}

/**
 * The widest 95% half-width among the given pairs' win rates (the penalised BT fit's, by the
 * delta method: p(1 − p)·1.96·sd(θᵢ − θⱼ)).
 */
export function widestHalfWidth(
  systems: number,
  totals: readonly PairTotal[],
  options: AllocationOptions = {},
): number {
  const { theta, info } = penalisedStrengths(systems, totals, options.prior ?? DEFAULT_PRIOR);
  const cov = invert(info, systems);
  let widest = 0;
  for (const t of totals) {
    const v =
      (cov[t.i * systems + t.i] as number) +
      (cov[t.j * systems + t.j] as number) -
      2 * (cov[t.i * systems + t.j] as number);
    const p = sigmoid((theta[t.i] as number) - (theta[t.j] as number));
    widest = Math.max(widest, 1.959963984540054 * p * (1 - p) * Math.sqrt(v));
  }
  return widest;
}

/**
 * The next `picks` verdicts, as indices into `totals` (the study's pairs, judged or not), greedily
 * by the reduction of Σ_c Var(c)² (see the header). `available[p]` caps the picks of pair p (its
 * comparisons left to hand out); the plan ends early when every pair is exhausted.
 */
export function planAllocation(
  systems: number,
  totals: readonly PairTotal[],
  { picks, available }: { picks: number; available?: readonly number[] },
  options: AllocationOptions = {},
): number[] {
  const s = systems;
  const P = totals.length;
  const left = available ? Array.from(available) : new Array<number>(P).fill(Infinity);
  const plan: number[] = [];
  if (P === 0) return plan;
  if (P === 1) {
    for (let k = 0; k < picks && (left[0] as number) > 0; k++, left[0]!--) plan.push(0);
    return plan;
  }
  const { theta, info } = penalisedStrengths(s, totals, options.prior ?? DEFAULT_PRIOR);
  const cov = invert(info, s);
  const w = totals.map((t) => {
    const p = sigmoid((theta[t.i] as number) - (theta[t.j] as number));
    return p * (1 - p);
  });
  const variance = new Float64Array(P);
  const u = new Float64Array(s);
  for (let k = 0; k < picks; k++) {
    for (let c = 0; c < P; c++) {
      const t = totals[c]!;
      variance[c] =
        (cov[t.i * s + t.i] as number) +
        (cov[t.j * s + t.j] as number) -
        2 * (cov[t.i * s + t.j] as number);
    }
    let best = -1;
    let bestGain = -Infinity;
    for (let p = 0; p < P; p++) {
      if ((left[p] as number) <= 0) continue;
      const { i, j } = totals[p]!;
      const q = variance[p] as number;
      const wp = w[p] as number;
      // cᵀΣx for every contrast c, with Σx = column i − column j
      let gain = 0;
      for (let c = 0; c < P; c++) {
        const t = totals[c]!;
        const cx =
          (cov[t.i * s + i] as number) -
          (cov[t.i * s + j] as number) -
          (cov[t.j * s + i] as number) +
          (cov[t.j * s + j] as number);
        const scale = (w[c] as number) * (w[c] as number);
        const drop = (scale * wp * cx * cx) / (1 + wp * q);
        const v = scale * (variance[c] as number);
        const v2 = v * v;
        const r2 = (v - drop) * (v - drop);
        gain += v2 * v2 - r2 * r2;
      }
      if (gain > bestGain) {
        bestGain = gain;
        best = p;
      }
    }
    if (best < 0) break;
    plan.push(best);
    left[best]!--;
    const { i, j } = totals[best]!;
    const wp = w[best] as number;
    for (let a = 0; a < s; a++) u[a] = (cov[a * s + i] as number) - (cov[a * s + j] as number);
    const q = (u[i] as number) - (u[j] as number);
    const f = wp / (1 + wp * q);
    for (let a = 0; a < s; a++)
      for (let b = 0; b < s; b++)
        cov[a * s + b] = (cov[a * s + b] as number) - f * (u[a] as number) * (u[b] as number);
  }
  return plan;
}
