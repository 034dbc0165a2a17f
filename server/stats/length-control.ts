import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';
import { sigmoid } from './logistic.ts';
import { refitBootstrapInterval } from './percentile.ts';
import { drawIndices, type Rng } from './rng.ts';

/**
 * The length-controlled win rate of a pair (AlpacaEval 2.0's, Dubois et al. 2024, without its
 * instruction-difficulty term, which exists only for AlpacaEval's own prompts): logistic
 * regression of each verdict's score on an intercept and tanh(Δ/sd(Δ)), Δ = len(a) − len(b) of
 * the verdict's item, scaled by its standard deviation over the verdicts (divisor n − 1, as
 * pandas' `std`) without centring (as AlpacaEval's `std_delta_len`), so that zero stays "equal
 * length"; tanh bounds the influence of extreme differences. The rate is the prediction at zero
 * difference, sigmoid(intercept). Ties count as half a success (the fractional-response binomial
 * GLM, like the length-bias fit); a study that excludes ties leaves them out of the totals.
 *
 * Computed on item totals, fast enough for a report on a million verdicts: within an item every
 * verdict has the same length difference, so the likelihood over its verdicts depends on them
 * only through their count and score sum, and the fit over items weighted by verdict count is
 * the fit over verdicts (the SD over verdicts is the count-weighted SD over items).
 *
 * The interval is a percentile bootstrap over items (each round resamples items with all their
 * verdicts and refits, standardisation included), since verdicts on one item are not independent
 * and AlpacaEval's own standard error ignores the fit's uncertainty. A round costs one pass over
 * the items it drew, and Newton's method starts from the full fit (3 or 4 steps instead of 6 to 8).
 *
 * Large pairs: a round still costs O(items), and 2,000 rounds over 125,000 items would take
 * seconds per pair. Above `maxItemsPerRound` items each round draws that many items with
 * replacement instead of all n (the m-out-of-n bootstrap, Bickel, Götze & van Zwet 1997), and the
 * replicates' deviations from the full-data estimate are shrunk by √(m/n): for an estimator
 * asymptotically normal at rate √n, √m(θ*ₘ − θ̂) has the limit law of √n(θ̂ − θ).
 */
export interface LengthTotals {
  /** Per item: len(a) − len(b). */
  diff: Float64Array;
  /** Per item: verdicts (with lengths and included). */
  verdicts: Float64Array;
  /** Per item: the sum of those verdicts' scores for a. */
  scoreSum: Float64Array;
}

/** One item of a pair as verdicts: the lengths of a's and b's outputs and each verdict's score. */
export interface LengthItem {
  lengthA: number;
  lengthB: number;
  scores: readonly number[];
}

export interface LengthControlled {
  /** a's win rate predicted at zero length difference. */
  winRate: Figure<number>;
  /** Percentile bootstrap interval over items (the fit, standardisation included, per round). */
  ci: Figure<Interval>;
  /** Log-odds of a win per unit of tanh(standardised length difference). */
  lengthCoefficient: Figure<number>;
}

export interface LengthControlOptions {
  level: number;
  rounds: number;
  rng: Rng;
}

export interface LengthTotalsOptions extends LengthControlOptions {
  /** Items drawn per bootstrap round at most (m of the m-out-of-n bootstrap). */
  maxItemsPerRound: number;
}

interface Coefficients {
  intercept: number;
  slope: number;
}

/**
 * The fit on the first `m` items (the drawn ones, gathered, repeats included), with logistic.ts's
 * refusals in its order on the verdicts they stand for, and Newton's method from `start`. `x` is
 * scratch for the covariate.
 */
function fitItems(
  items: LengthTotals,
  m: number,
  x: Float64Array,
  start: Coefficients,
  tolerance: number,
): { fit: Figure<Coefficients>; scoreSum: number; verdicts: number } {
  const { diff, verdicts, scoreSum } = items;
  let n = 0;
  let dSum = 0;
  let ySum = 0;
  for (let k = 0; k < m; k++) {
    const w = verdicts[k] as number;
    n += w;
    dSum += w * (diff[k] as number);
    ySum += scoreSum[k] as number;
  }
  const totals = { scoreSum: ySum, verdicts: n };
  if (n < 3) return { fit: none('fewer than 3 verdicts with lengths'), ...totals };
  const mean = dSum / n;
  let ss = 0;
  for (let k = 0; k < m; k++) ss += (verdicts[k] as number) * ((diff[k] as number) - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  if (!(sd > 0)) return { fit: none('every verdict has the same length difference'), ...totals };
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let k = 0; k < m; k++) {
    const v = Math.tanh((diff[k] as number) / sd);
    x[k] = v;
    if (v < xMin) xMin = v;
    if (v > xMax) xMax = v;
  }
  if (xMin === xMax)
    return { fit: none('every verdict has the same length difference'), ...totals };
  if (ySum === 0 || ySum === n)
    return { fit: none('one side won every verdict: the logistic fit diverges'), ...totals };
  let b0 = start.intercept;
  let b1 = start.slope;
  for (let iter = 1; iter <= 100; iter++) {
    let g0 = 0;
    let g1 = 0;
    let i00 = 0;
    let i01 = 0;
    let i11 = 0;
    for (let k = 0; k < m; k++) {
      const w = verdicts[k] as number;
      const xk = x[k] as number;
      const p = sigmoid(b0 + b1 * xk);
      const r = (scoreSum[k] as number) - w * p;
      const v = w * p * (1 - p);
      g0 += r;
      g1 += r * xk;
      i00 += v;
      i01 += v * xk;
      i11 += v * xk * xk;
    }
    const det = i00 * i11 - i01 * i01;
    if (!(det > 0)) return { fit: none('information matrix is singular'), ...totals };
    const s0 = (i11 * g0 - i01 * g1) / det;
    const s1 = (i00 * g1 - i01 * g0) / det;
    b0 += s0;
    b1 += s1;
    if (!Number.isFinite(b0) || !Number.isFinite(b1) || Math.abs(b1) > 50)
      return { fit: none('the logistic fit diverges (separation)'), ...totals };
    if (Math.max(Math.abs(s0), Math.abs(s1)) < tolerance)
      return { fit: ok({ intercept: b0, slope: b1 }), ...totals };
  }
  return { fit: none('the logistic fit did not converge'), ...totals };
}

/**
 * Newton's method converges quadratically, so after a step of size s the error is of order s²:
 * the full fit stops below 1e-7 (error ~1e-14); a bootstrap round below 1e-4 (error ~1e-8, far
 * under the Monte Carlo error of a percentile), which saves one pass over the drawn items.
 */
const FULL_TOLERANCE = 1e-7;
const ROUND_TOLERANCE = 1e-4;

/**
 * Length-controlled win rate from item totals (items without verdicts must be left out by the
 * caller): the rate at zero length difference, its length coefficient, and the bootstrap interval
 * described above. Rounds without a fit are left out, except that an all-wins draw counts as 1 and
 * an all-losses draw as 0 (the fit's limits); if more than 1 − level of the rounds have no fit, the
 * interval is null rather than conditional on the fit existing.
 */
export function lengthControlledFromTotals(
  data: LengthTotals,
  options: LengthTotalsOptions,
): LengthControlled {
  checkLevel(options.level);
  const n = data.diff.length;
  const full = fitItems(
    data,
    n,
    new Float64Array(n),
    { intercept: 0, slope: 0 },
    FULL_TOLERANCE,
  ).fit;
  if (full.value === null) {
    return {
      winRate: none(full.reason),
      ci: none(full.reason),
      lengthCoefficient: none(full.reason),
    };
  }
  const estimate = sigmoid(full.value.intercept);
  const m = Math.min(n, Math.max(1, options.maxItemsPerRound));
  const draws = new Int32Array(m);
  const x = new Float64Array(m);
  const drawn: LengthTotals = {
    diff: new Float64Array(m),
    verdicts: new Float64Array(m),
    scoreSum: new Float64Array(m),
  };
  const replicates = new Float64Array(options.rounds);
  for (let r = 0; r < options.rounds; r++) {
    drawIndices(draws, n, options.rng);
    for (let k = 0; k < m; k++) {
      const i = draws[k] as number;
      drawn.diff[k] = data.diff[i] as number;
      drawn.verdicts[k] = data.verdicts[i] as number;
      drawn.scoreSum[k] = data.scoreSum[i] as number;
    }
    const { fit, scoreSum, verdicts } = fitItems(drawn, m, x, full.value, ROUND_TOLERANCE);
    let rate: number;
    if (fit.value !== null) rate = sigmoid(fit.value.intercept);
    else if (scoreSum === 0) rate = 0;
    else if (scoreSum === verdicts) rate = 1;
    else rate = Number.NaN;
    replicates[r] = rate;
  }
  const ci = refitBootstrapInterval(replicates, estimate, { m, n }, options.level);
  return { winRate: ok(estimate), ci, lengthCoefficient: ok(full.value.slope) };
}

/**
 * The same figure for a caller holding each verdict's score (the tests that check the report
 * against the pure function): the items' totals, with every item drawn in each round.
 */
export function lengthControlledWinRate(
  items: readonly LengthItem[],
  options: LengthControlOptions,
): LengthControlled {
  const used = items.filter((item) => item.scores.length > 0);
  return lengthControlledFromTotals(
    {
      diff: Float64Array.from(used, (item) => item.lengthA - item.lengthB),
      verdicts: Float64Array.from(used, (item) => item.scores.length),
      scoreSum: Float64Array.from(used, (item) => item.scores.reduce((s, v) => s + v, 0)),
    },
    { ...options, maxItemsPerRound: used.length },
  );
}
