import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';
import { fitLogistic, type LogisticFit } from './logistic.ts';
import { percentileInterval } from './percentile.ts';
import { createResampler, ungrouped } from './resample.ts';
import type { Rng } from './rng.ts';

/** One item of a pair: the lengths of a's and b's outputs (any unit) and its verdicts' scores for a. */
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

/** Verdict rows: the length difference a − b of each verdict's item, and the verdict's score. */
interface Rows {
  diff: Float64Array;
  score: Float64Array;
}

/** Sample standard deviation (divisor n − 1, as pandas' `std`) of the differences. */
function sampleSd(diff: Float64Array): number {
  const n = diff.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += diff[i] as number;
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((diff[i] as number) - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * The length-controlled fit (AlpacaEval 2.0's, Dubois et al. 2024, without its instruction-
 * difficulty term, which exists only for AlpacaEval's own prompts): logistic regression of the
 * verdict's score on an intercept and tanh(Δ/sd(Δ)), Δ = len(a) − len(b), scaled by its standard
 * deviation over the verdicts without centring (as AlpacaEval's `std_delta_len`), so that zero
 * stays "equal length". tanh bounds the influence of extreme differences.
 */
function fitRows(rows: Rows): Figure<LogisticFit> {
  const n = rows.diff.length;
  if (n < 3) return none('fewer than 3 verdicts with lengths');
  const sd = sampleSd(rows.diff);
  if (!(sd > 0)) return none('every verdict has the same length difference');
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.tanh((rows.diff[i] as number) / sd);
  return fitLogistic(x, rows.score);
}

const sigmoid = (eta: number) =>
  eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));

function toRows(items: readonly LengthItem[], copies: ArrayLike<number> | null): Rows {
  let n = 0;
  items.forEach((item, i) => (n += (copies ? (copies[i] as number) : 1) * item.scores.length));
  const diff = new Float64Array(n);
  const score = new Float64Array(n);
  let r = 0;
  items.forEach((item, i) => {
    const d = item.lengthA - item.lengthB;
    for (let c = copies ? (copies[i] as number) : 1; c > 0; c--) {
      for (const s of item.scores) {
        diff[r] = d;
        score[r++] = s;
      }
    }
  });
  return { diff, score };
}

/**
 * The rate of one bootstrap round: the fit's, or the limit of an all-wins (1) or all-losses (0)
 * resample; NaN when the round has no fit (separation along length, one length difference).
 */
function roundRate(rows: Rows): number {
  const fit = fitRows(rows);
  if (fit.value !== null) return sigmoid(fit.value.intercept);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of rows.score) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  return lo === hi && (lo === 0 || lo === 1) ? lo : Number.NaN;
}

/**
 * Length-controlled win rate of a pair: the fit above, its win rate at zero length difference,
 * sigmoid(intercept), and a percentile bootstrap interval over items (each round resamples items
 * with all their verdicts and refits, standardisation included), since verdicts on one item are
 * not independent and AlpacaEval's own standard error ignores the fit's uncertainty. Ties count as
 * half a success (the fractional-response binomial GLM, like the length-bias fit); a study that
 * excludes ties leaves them out of `scores`. Rounds without a fit are left out; if they are more
 * than 1 − level of the rounds, the interval is null rather than conditional on the fit existing.
 */
export function lengthControlledWinRate(
  items: readonly LengthItem[],
  options: LengthControlOptions,
): LengthControlled {
  checkLevel(options.level);
  const used = items.filter((item) => item.scores.length > 0);
  const fit = fitRows(toRows(used, null));
  if (fit.value === null) {
    return { winRate: none(fit.reason), ci: none(fit.reason), lengthCoefficient: none(fit.reason) };
  }
  const estimate = sigmoid(fit.value.intercept);
  const replicates = new Float64Array(options.rounds);
  const draw = createResampler(ungrouped(used.length), options.rng);
  const copies = new Float64Array(used.length);
  let failed = 0;
  for (let r = 0; r < options.rounds; r++) {
    draw(copies);
    replicates[r] = roundRate(toRows(used, copies));
    if (Number.isNaN(replicates[r])) failed++;
  }
  const result = percentileInterval(replicates, options.level);
  let ci: Figure<Interval>;
  if (options.rounds < 1) ci = none('no bootstrap rounds');
  else if (failed > (1 - options.level) * options.rounds || !result)
    ci = none(`${failed} of ${options.rounds} bootstrap rounds had no logistic fit`);
  else {
    // as the win-rate bootstrap: the interval always holds the estimate
    const [lo, hi] = result.interval;
    ci = ok([Math.min(lo, estimate), Math.max(hi, estimate)]);
  }
  return { winRate: ok(estimate), ci, lengthCoefficient: ok(fit.value.slope) };
}
