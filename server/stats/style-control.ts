import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';
import { solveSpd } from './linear-solve.ts';
import { sigmoid } from './logistic.ts';
import { refitBootstrapInterval } from './percentile.ts';
import { drawIndices, type Rng } from './rng.ts';

/**
 * Style-controlled win rate of a pair (Chatbot Arena's "style control", LMSYS 2024): a logistic
 * model of each verdict's score on an intercept (the pair term) and the differences in style
 * between the two outputs of its item: length, markdown headers, list items and bold spans. As in
 * Arena, each feature's difference is normalised, d = (a − b)/(a + b) (0 when both are 0), then
 * scaled by its standard deviation over the verdicts (divisor n − 1); unlike Arena it is not
 * centred, so that zero stays "the same style" and the win rate predicted there, sigmoid(intercept),
 * is the win rate with style held equal. Ties count as half a success (the fractional-response
 * binomial likelihood, as the length-controlled figure). A feature that never differs is left out
 * of the model (its coefficient null).
 *
 * The fit runs on item totals (every verdict of an item has the item's features, so the
 * likelihood depends on its verdicts through their count and score sum), by Newton's method. The
 * interval is a percentile bootstrap over items: each round resamples items with all their
 * verdicts and refits, scaling included, so it carries the fit's uncertainty and the items'
 * clustering.
 */
export const STYLE_FEATURES = ['length', 'headers', 'lists', 'bold'] as const;
export type StyleFeature = (typeof STYLE_FEATURES)[number];
export type StyleCounts = Record<StyleFeature, number>;

const HEADER = /^ {0,3}#{1,6}[ \t]+\S/gm;
const LIST = /^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S/gm;
const BOLD = /\*\*[^*\n]+\*\*|__[^_\n]+__/g;

/** An output's style counts: characters, markdown headers, list items and bold spans (Arena's features). */
export function styleCounts(text: string): StyleCounts {
  return {
    length: text.length,
    headers: text.match(HEADER)?.length ?? 0,
    lists: text.match(LIST)?.length ?? 0,
    bold: text.match(BOLD)?.length ?? 0,
  };
}

/**
 * An output's style counts as a report reads them: `length` is the trace's length (in characters,
 * PostgreSQL's char_length, the length the length-controlled figure uses); headers, list items and
 * bold spans are counted in the trace and the answer, both of which a judge reads.
 */
export function outputStyleCounts(trace: string, answer: string, length: number): StyleCounts {
  const t = styleCounts(trace);
  const a = styleCounts(answer);
  return {
    length,
    headers: t.headers + a.headers,
    lists: t.lists + a.lists,
    bold: t.bold + a.bold,
  };
}

/** One item of a pair: the style counts of a's and b's outputs and its verdicts' scores for a. */
export interface StyleItem {
  a: StyleCounts;
  b: StyleCounts;
  scores: readonly number[];
}

export interface StyleControlled {
  winRate: Figure<number>;
  ci: Figure<Interval>;
  /** Log-odds per standard deviation of each feature's normalised difference (null: left out). */
  coefficients: Figure<Record<StyleFeature, number | null>>;
}

export interface StyleControlOptions {
  level: number;
  rounds: number;
  rng: Rng;
  /**
   * Items drawn per bootstrap round at most (m of the m-out-of-n bootstrap, as the length-controlled
   * figure's; default: all of them). Above m items each round draws m items with replacement and
   * the replicates' deviations from the full-data estimate are shrunk by √(m/n).
   */
  maxItemsPerRound?: number;
}

/** Arena's normalised difference of one feature. */
export function normalisedDifference(a: number, b: number): number {
  return a + b === 0 ? 0 : (a - b) / (a + b);
}

interface Totals {
  /** item-major: F normalised differences per item */
  d: Float64Array;
  verdicts: Float64Array;
  scoreSum: Float64Array;
}

interface Fit {
  beta: Float64Array;
  /** the features kept, in STYLE_FEATURES order */
  kept: number[];
}

const F = STYLE_FEATURES.length;

/**
 * Newton's stopping rule: the full fit stops when no coefficient moves by 1e-9; a bootstrap round,
 * which starts from the full fit, by 1e-4 (as the length-controlled figure's rounds: the next step
 * would move the rate by about 1e-8, far below the bootstrap's Monte Carlo error).
 */
const FULL_TOLERANCE = 1e-9;
const ROUND_TOLERANCE = 1e-4;

/** The fit on items `idx` (repeats allowed). */
function fit(
  t: Totals,
  idx: ArrayLike<number>,
  start: Fit | null,
  tolerance = FULL_TOLERANCE,
): Figure<Fit> {
  const m = idx.length;
  let n = 0;
  let ySum = 0;
  for (let k = 0; k < m; k++) {
    const i = idx[k] as number;
    const w = t.verdicts[i] as number;
    n += w;
    ySum += t.scoreSum[i] as number;
  }
  if (n < 3) return none('fewer than 3 verdicts with style features');
  if (ySum === 0 || ySum === n)
    return none('one side won every verdict: the logistic fit diverges');
  // the SD (divisor n − 1) about the mean, as the length-controlled figure
  const mean = new Float64Array(F);
  for (let k = 0; k < m; k++) {
    const i = idx[k] as number;
    const w = t.verdicts[i] as number;
    for (let f = 0; f < F; f++)
      mean[f] = (mean[f] as number) + (w * (t.d[i * F + f] as number)) / n;
  }
  const sd = new Float64Array(F);
  const kept: number[] = [];
  for (let f = 0; f < F; f++) {
    let s = 0;
    for (let k = 0; k < m; k++) {
      const i = idx[k] as number;
      s += (t.verdicts[i] as number) * ((t.d[i * F + f] as number) - (mean[f] as number)) ** 2;
    }
    sd[f] = Math.sqrt(s / (n - 1));
    if ((sd[f] as number) > 1e-12) kept.push(f);
  }
  const p = kept.length + 1;
  const beta = new Float64Array(p);
  if (start && start.kept.length === kept.length && start.kept.every((f, k) => f === kept[k]))
    beta.set(start.beta);
  const x = new Float64Array(p);
  const g = new Float64Array(p);
  const h = new Float64Array(p * p);
  for (let iter = 1; iter <= 100; iter++) {
    g.fill(0);
    h.fill(0);
    for (let k = 0; k < m; k++) {
      const i = idx[k] as number;
      const w = t.verdicts[i] as number;
      x[0] = 1;
      for (let c = 0; c < kept.length; c++) {
        const f = kept[c] as number;
        x[c + 1] = (t.d[i * F + f] as number) / (sd[f] as number);
      }
      let eta = 0;
      for (let c = 0; c < p; c++) eta += (beta[c] as number) * (x[c] as number);
      const pr = sigmoid(eta);
      const r = (t.scoreSum[i] as number) - w * pr;
      const v = w * pr * (1 - pr);
      for (let a = 0; a < p; a++) {
        g[a] = (g[a] as number) + r * (x[a] as number);
        for (let b = 0; b <= a; b++)
          h[a * p + b] = (h[a * p + b] as number) + v * (x[a] as number) * (x[b] as number);
      }
    }
    for (let a = 0; a < p; a++)
      for (let b = a + 1; b < p; b++) h[a * p + b] = h[b * p + a] as number;
    const step = solveSpd(h, g, p);
    if (!step) return none('information matrix is singular');
    let big = 0;
    for (let a = 0; a < p; a++) {
      beta[a] = (beta[a] as number) + (step[a] as number);
      big = Math.max(big, Math.abs(step[a] as number));
    }
    if (!beta.every(Number.isFinite) || beta.some((b) => Math.abs(b) > 50))
      return none('the logistic fit diverges (separation)');
    if (big < tolerance) return ok({ beta, kept });
  }
  return none('the logistic fit did not converge');
}

/** One item of a pair as totals: its outputs' style counts, its verdicts and their score sum for a. */
export interface StyleTotals {
  a: StyleCounts;
  b: StyleCounts;
  verdicts: number;
  scoreSum: number;
}

/** The style-controlled win rate, its coefficients and the bootstrap interval over items. */
export function styleControlledWinRate(
  items: readonly StyleItem[],
  options: StyleControlOptions,
): StyleControlled {
  return styleControlledFromTotals(
    items.map((item) => ({
      a: item.a,
      b: item.b,
      verdicts: item.scores.length,
      scoreSum: item.scores.reduce((s, v) => s + v, 0),
    })),
    options,
  );
}

/** The same figure from item totals (what a report's pair items hold). */
export function styleControlledFromTotals(
  items: readonly StyleTotals[],
  options: StyleControlOptions,
): StyleControlled {
  checkLevel(options.level);
  const used = items.filter((item) => item.verdicts > 0);
  const n = used.length;
  const t: Totals = {
    d: new Float64Array(n * F),
    verdicts: Float64Array.from(used, (item) => item.verdicts),
    scoreSum: Float64Array.from(used, (item) => item.scoreSum),
  };
  used.forEach((item, i) => {
    STYLE_FEATURES.forEach((f, c) => {
      t.d[i * F + c] = normalisedDifference(item.a[f], item.b[f]);
    });
  });
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const full = fit(t, all, null);
  if (full.value === null) {
    return { winRate: none(full.reason), ci: none(full.reason), coefficients: none(full.reason) };
  }
  const coefficients = Object.fromEntries(STYLE_FEATURES.map((f) => [f, null])) as Record<
    StyleFeature,
    number | null
  >;
  full.value.kept.forEach((f, c) => {
    coefficients[STYLE_FEATURES[f]!] = full.value!.beta[c + 1] as number;
  });
  const estimate = sigmoid(full.value.beta[0] as number);
  const replicates = new Float64Array(options.rounds);
  const m = Math.min(n, Math.max(1, options.maxItemsPerRound ?? n));
  const draw = new Int32Array(m);
  for (let r = 0; r < options.rounds; r++) {
    drawIndices(draw, n, options.rng);
    const f = fit(t, draw, full.value, ROUND_TOLERANCE);
    replicates[r] = f.value ? sigmoid(f.value.beta[0] as number) : Number.NaN;
  }
  const ci = refitBootstrapInterval(replicates, estimate, { m, n }, options.level);
  return { winRate: ok(estimate), ci, coefficients: ok(coefficients) };
}
