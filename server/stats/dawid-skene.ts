/**
 * The Dawid–Skene judge-competence model (Dawid & Skene 1979, "Maximum likelihood estimation of
 * observer error-rates using the EM algorithm", Applied Statistics 28:20–28), for pairwise
 * verdicts with three classes: 0 = a wins, 1 = tie, 2 = b wins.
 *
 * Each comparison (a unit) has an unknown true class drawn from the prior π; judge j gives label l
 * to a unit of true class k with probability θ_j[k][l] (its confusion matrix), independently of
 * the other verdicts given the class. EM alternates:
 *
 * - M-step: π_k = (Σ_i T_ik + s) / (N + 3s) over the N units with verdicts;
 *   θ_j[k][l] = (Σ_{verdicts v of j with label l} T_{i(v)k} + s) / (Σ_{verdicts v of j} T_{i(v)k} + 3s);
 * - E-step: T_ik ∝ π_k · Π_{verdicts v on i} θ_{j(v)}[k][l(v)] (in logs, normalised by log-sum-exp).
 *
 * Initialisation: the soft majority vote of the paper, T_ik = share of unit i's verdicts with
 * label k. Stopping: after the E-step, when the marginal log-likelihood ℓ moved by no more than
 * `tolerance` · max(1, |ℓ|) since the previous E-step (default 1e-8; a relative criterion, as a
 * study of a million verdicts has ℓ in the hundreds of thousands, and weakly identified parameters
 * — a judge seen with one other judge only — can creep for hundreds of iterations while ℓ no
 * longer moves), or after `maxIterations` (default 500) iterations.
 * Smoothing: s = `smoothing` (default 0.01) added to every count, so that no probability is 0
 * (a log stays finite) and a class a judge never met has a uniform row rather than 0/0.
 * scripts/reference/dawid_skene.py implements the same steps in numpy; docs/statistics.md,
 * "Judge competence (Dawid–Skene)".
 */

import { clusteredBootstrap } from './bootstrap.ts';
import { none, ok, type Figure, type Interval } from './figure.ts';
import type { Rng } from './rng.ts';

/** Classes, in the order of every row and column below. */
export const DS_CLASSES = ['a', 'tie', 'b'] as const;
const K = 3;

export interface DawidSkeneData {
  /** Number of units (comparisons); unit ids are 0 … units − 1. */
  units: number;
  /** Number of judges; judge ids are 0 … judges − 1. */
  judges: number;
  /** Per verdict: its unit, judge and label (0 a, 1 tie, 2 b). */
  unit: Int32Array;
  judge: Int32Array;
  label: Uint8Array;
}

export interface DawidSkeneOptions {
  tolerance?: number;
  maxIterations?: number;
  smoothing?: number;
}

export interface DawidSkeneFit {
  /** π: the share of units in each class. */
  prior: Float64Array;
  /** θ per judge, row-major 3 × 3: [true class][given label]. */
  confusion: Float64Array[];
  /** T, row-major units × 3: each unit's posterior class probabilities (the prior for a unit without verdicts). */
  posterior: Float64Array;
  /**
   * Per judge: the probability of giving the true label on the judge's own comparisons,
   * Σ_k w_k θ[k][k] with w_k the posterior share of its verdicts whose unit is of class k;
   * NaN for a judge without verdicts.
   */
  accuracy: Float64Array;
  /** Verdicts per judge. */
  verdicts: Int32Array;
  iterations: number;
  converged: boolean;
  /** Marginal log-likelihood Σ_i log Σ_k π_k Π θ at the last E-step. */
  logLikelihood: number;
  tolerance: number;
  smoothing: number;
}

export const DS_DEFAULTS = { tolerance: 1e-8, maxIterations: 500, smoothing: 0.01 } as const;

/** Maps a's score (1 win, ½ tie, 0 loss; fractional scores by the side they favour) to a class. */
export function scoreLabel(score: number): 0 | 1 | 2 {
  return score > 0.5 ? 0 : score < 0.5 ? 2 : 1;
}

/** Fits the model by EM. Throws RangeError on an out-of-range unit, judge or label. */
export function dawidSkene(data: DawidSkeneData, options: DawidSkeneOptions = {}): DawidSkeneFit {
  const tolerance = options.tolerance ?? DS_DEFAULTS.tolerance;
  const maxIterations = options.maxIterations ?? DS_DEFAULTS.maxIterations;
  const s = options.smoothing ?? DS_DEFAULTS.smoothing;
  if (!(tolerance > 0)) throw new RangeError(`tolerance must be > 0, got ${tolerance}`);
  if (!(maxIterations >= 1))
    throw new RangeError(`maxIterations must be ≥ 1, got ${maxIterations}`);
  if (!(s >= 0)) throw new RangeError(`smoothing must be ≥ 0, got ${s}`);
  const { units: n, judges: m, unit, judge, label } = data;
  const v = unit.length;
  if (judge.length !== v || label.length !== v)
    throw new RangeError('unit, judge and label must have one entry per verdict');
  const perUnit = new Int32Array(n);
  const verdicts = new Int32Array(m);
  for (let i = 0; i < v; i++) {
    const u = unit[i] as number;
    const j = judge[i] as number;
    const l = label[i] as number;
    if (!(u >= 0 && u < n)) throw new RangeError(`verdict ${i}: unit ${u} out of range`);
    if (!(j >= 0 && j < m)) throw new RangeError(`verdict ${i}: judge ${j} out of range`);
    if (!(l >= 0 && l < K)) throw new RangeError(`verdict ${i}: label ${l} out of range`);
    perUnit[u]!++;
    verdicts[j]!++;
  }
  let judged = 0;
  for (let u = 0; u < n; u++) if ((perUnit[u] as number) > 0) judged++;

  // Units with the same verdicts (the same judges giving the same labels, in any order) have the
  // same likelihood row, so the same posterior at every step: EM runs over the distinct patterns,
  // each weighted by its units, and the posterior is spread back to the units at the end. A study
  // of 500,000 comparisons by two of six judges has at most 135 patterns.
  const { patternOf, patterns, weightOf, start, code } = unitPatterns(
    n,
    unit,
    judge,
    label,
    perUnit,
  );
  const P = patterns;
  // each pattern verdict's column in θ (judge·K² + label; row k at + k·K), computed once
  const column = code.map((c) => ((c / K) | 0) * K * K + (c % K));
  // initialisation: each pattern's share of verdicts per label (soft majority vote)
  let post = new Float64Array(P * K);
  for (let q = 0; q < P; q++) {
    const from = start[q] as number;
    const to = start[q + 1] as number;
    for (let x = from; x < to; x++) post[q * K + ((code[x] as number) % K)]! += 1 / (to - from);
  }
  const prior = new Float64Array(K);
  const theta = new Float64Array(m * K * K);
  const confusion = Array.from({ length: m }, (_, j) => theta.subarray(j * K * K, (j + 1) * K * K));
  const logTheta = new Float64Array(m * K * K);
  const logPrior = new Float64Array(K);
  let next = new Float64Array(P * K);
  let iterations = 0;
  let converged = false;
  let logLikelihood = Number.NaN;

  while (iterations < maxIterations) {
    iterations++;
    // M-step
    prior.fill(0);
    for (let q = 0; q < P; q++) {
      const w = weightOf[q] as number;
      if (start[q] === start[q + 1]) continue; // units without verdicts
      for (let k = 0; k < K; k++) prior[k]! += w * (post[q * K + k] as number);
    }
    for (let k = 0; k < K; k++) {
      prior[k] = ((prior[k] as number) + s) / (judged + K * s);
      logPrior[k] = Math.log(prior[k] as number);
    }
    theta.fill(0);
    for (let q = 0; q < P; q++) {
      const w = weightOf[q] as number;
      const o = q * K;
      for (let x = start[q] as number; x < (start[q + 1] as number); x++) {
        const col = column[x] as number;
        theta[col]! += w * (post[o] as number);
        theta[col + K]! += w * (post[o + 1] as number);
        theta[col + 2 * K]! += w * (post[o + 2] as number);
      }
    }
    for (let j = 0; j < m; j++) {
      const c = confusion[j] as Float64Array;
      for (let k = 0; k < K; k++) {
        let row = 0;
        for (let l = 0; l < K; l++) row += c[k * K + l] as number;
        for (let l = 0; l < K; l++) {
          const p = ((c[k * K + l] as number) + s) / (row + K * s);
          c[k * K + l] = p;
          logTheta[(j * K + k) * K + l] = Math.log(p);
        }
      }
    }
    // E-step, in logs, normalised by log-sum-exp
    let ll = 0;
    for (let q = 0; q < P; q++) {
      const o = q * K;
      let a0 = logPrior[0] as number;
      let a1 = logPrior[1] as number;
      let a2 = logPrior[2] as number;
      for (let x = start[q] as number; x < (start[q + 1] as number); x++) {
        const col = column[x] as number;
        a0 += logTheta[col] as number;
        a1 += logTheta[col + K] as number;
        a2 += logTheta[col + 2 * K] as number;
      }
      const mx = Math.max(a0, a1, a2);
      const e0 = Math.exp(a0 - mx);
      const e1 = Math.exp(a1 - mx);
      const e2 = Math.exp(a2 - mx);
      const z = e0 + e1 + e2;
      if (start[q] !== start[q + 1]) ll += (weightOf[q] as number) * (mx + Math.log(z));
      next[o] = e0 / z;
      next[o + 1] = e1 / z;
      next[o + 2] = e2 / z;
    }
    const previous = logLikelihood;
    logLikelihood = ll;
    [post, next] = [next, post];
    // relative change of ℓ (see the module comment)
    if (Math.abs(ll - previous) <= tolerance * Math.max(1, Math.abs(ll))) {
      converged = true;
      break;
    }
  }

  const accuracy = new Float64Array(m).fill(Number.NaN);
  const weight = new Float64Array(m * K);
  for (let q = 0; q < P; q++) {
    const w = weightOf[q] as number;
    for (let x = start[q] as number; x < (start[q + 1] as number); x++) {
      const j = ((code[x] as number) / K) | 0;
      for (let k = 0; k < K; k++) weight[j * K + k]! += w * (post[q * K + k] as number);
    }
  }
  for (let j = 0; j < m; j++) {
    const nj = verdicts[j] as number;
    if (nj === 0) continue;
    const c = confusion[j] as Float64Array;
    let acc = 0;
    for (let k = 0; k < K; k++)
      acc += ((weight[j * K + k] as number) / nj) * (c[k * K + k] as number);
    accuracy[j] = acc;
  }
  const posterior = new Float64Array(n * K);
  for (let u = 0; u < n; u++) {
    const q = patternOf[u] as number;
    for (let k = 0; k < K; k++) posterior[u * K + k] = post[q * K + k] as number;
  }
  return {
    prior,
    confusion,
    posterior,
    accuracy,
    verdicts,
    iterations,
    converged,
    logLikelihood,
    tolerance,
    smoothing: s,
  };
}

/**
 * The units' distinct verdict patterns: each unit's verdicts as codes judge·3 + label, sorted, so
 * that units whose judges gave the same labels share a pattern. Returns each unit's pattern, the
 * units per pattern, and the patterns' codes (pattern q's are code[start[q]] … code[start[q+1] − 1]).
 */
function unitPatterns(
  n: number,
  unit: Int32Array,
  judge: Int32Array,
  label: Uint8Array,
  perUnit: Int32Array,
): {
  patternOf: Int32Array;
  patterns: number;
  weightOf: Float64Array;
  start: Int32Array;
  code: Int32Array;
} {
  // the verdicts grouped by unit (a counting sort)
  const offset = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) offset[u + 1] = (offset[u] as number) + (perUnit[u] as number);
  const fill = offset.slice(0, n);
  const byUnit = new Int32Array(unit.length);
  for (let i = 0; i < unit.length; i++) {
    const u = unit[i] as number;
    byUnit[fill[u]!++] = (judge[i] as number) * K + (label[i] as number);
  }
  const patternOf = new Int32Array(n);
  const index = new Map<string, number>();
  const weights: number[] = [];
  const starts: number[] = [0];
  const codes: number[] = [];
  for (let u = 0; u < n; u++) {
    const mine = byUnit.subarray(offset[u] as number, offset[u + 1] as number).sort();
    const key = mine.join(',');
    let q = index.get(key);
    if (q === undefined) {
      q = weights.length;
      index.set(key, q);
      weights.push(0);
      for (const c of mine) codes.push(c);
      starts.push(codes.length);
    }
    weights[q]!++;
    patternOf[u] = q;
  }
  return {
    patternOf,
    patterns: weights.length,
    weightOf: Float64Array.from(weights),
    start: Int32Array.from(starts),
    code: Int32Array.from(codes),
  };
}

/**
 * a's win rate over units from their posterior class probabilities: Σ (T_a + T_tie/2) / N with
 * ties half, Σ T_a / Σ (T_a + T_b) with ties excluded. As a cluster sum and weight per unit, the
 * form bootstrap.ts resamples.
 */
export function posteriorScores(
  posterior: Float64Array,
  units: ArrayLike<number>,
  ties: 'half' | 'exclude',
): { sums: Float64Array; counts: Float64Array } {
  const sums = new Float64Array(units.length);
  const counts = new Float64Array(units.length);
  for (let i = 0; i < units.length; i++) {
    const o = (units[i] as number) * K;
    const pa = posterior[o] as number;
    const pt = posterior[o + 1] as number;
    const pb = posterior[o + 2] as number;
    if (ties === 'half') {
      sums[i] = pa + pt / 2;
      counts[i] = 1;
    } else {
      sums[i] = pa;
      counts[i] = pa + pb;
    }
  }
  return { sums, counts };
}

/**
 * The competence-weighted win rate over `units` (a pair's comparisons, one per item) and its
 * percentile bootstrap interval resampling items as clusters (bootstrap.ts), with the posteriors
 * of the fit held fixed: the interval reflects which items were drawn, not the uncertainty of the
 * judges' estimated reliabilities.
 */
export function competenceWinRate(
  posterior: Float64Array,
  units: ArrayLike<number>,
  ties: 'half' | 'exclude',
  level: number,
  rounds: number,
  rng: Rng,
): { winRate: Figure<number>; ci: Figure<Interval> } {
  const scores = posteriorScores(posterior, units, ties);
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < units.length; i++) {
    sum += scores.sums[i] as number;
    weight += scores.counts[i] as number;
  }
  if (units.length === 0) return { winRate: none('no comparisons'), ci: none('no comparisons') };
  if (!(weight > 0))
    return { winRate: none('every comparison is a tie'), ci: none('every comparison is a tie') };
  return { winRate: ok(sum / weight), ci: clusteredBootstrap(scores, level, rounds, rng).ci };
}
