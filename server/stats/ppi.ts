import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';
import { itemMean } from './item-mean.ts';
import { zCritical } from './wilson.ts';

/** The PPI++ estimate of a mean with its normal standard error and the tuning λ it used. */
export interface PpiEstimate {
  estimate: number;
  se: number;
  lambda: number;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  return s / v.length;
}

/** Population variance (divisor n, numpy's default `std` squared) of a·u − b·v. */
function varianceOf(u: ArrayLike<number>, a: number, v: ArrayLike<number> | null, b: number) {
  const n = u.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += a * (u[i] as number) - (v ? b * (v[i] as number) : 0);
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = a * (u[i] as number) - (v ? b * (v[i] as number) : 0) - m;
    ss += e * e;
  }
  return ss / n;
}

/**
 * The power-tuning λ of PPI++ for a mean, as ppi_py's `_calc_lhat_glm` computes it in one
 * dimension: cov(Y, f) over the labelled units (divisor n) over (1 + n/N) times the sample variance
 * (divisor n + N − 1) of f over labelled and unlabelled units together, clipped to [0, 1]. It
 * minimises the estimate's variance; clipping keeps PPI between the human-only mean (λ = 0) and
 * plain PPI (λ = 1). A constant f carries no information: λ = 0 there, where ppi_py divides 0 by 0.
 */
export function ppiLambda(
  y: ArrayLike<number>,
  fLabelled: ArrayLike<number>,
  fUnlabelled: ArrayLike<number>,
): number {
  const n = y.length;
  const bigN = fUnlabelled.length;
  const my = mean(y);
  const mf = mean(fLabelled);
  let cov = 0;
  for (let i = 0; i < n; i++) cov += ((y[i] as number) - my) * ((fLabelled[i] as number) - mf);
  cov /= n;
  const all = n + bigN;
  const mAll = (mf * n + mean(fUnlabelled) * bigN) / all;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((fLabelled[i] as number) - mAll) ** 2;
  for (let i = 0; i < bigN; i++) ss += ((fUnlabelled[i] as number) - mAll) ** 2;
  const varF = ss / (all - 1);
  if (!(varF > 0)) return 0;
  return Math.min(1, Math.max(0, cov / ((1 + n / bigN) * varF)));
}

/**
 * Prediction-powered inference for a mean (PPI++: Angelopoulos, Duchi & Zrnic 2023; Angelopoulos,
 * Bates, Fannjiang, Jordan & Zrnic, Science 2023), ppi_py's `ppi_mean_pointestimate` and
 * `ppi_mean_ci`: θ̂ = λ·mean(f_unlabelled) + mean(Y − λ·f_labelled), whose first term uses the many
 * predictions and whose second (the rectifier) removes their bias, measured where both exist. Its
 * standard error is √(Var(λf_unlabelled)/N + Var(Y − λf_labelled)/n), variances with divisor
 * count (numpy's `std`). `lambda` fixes λ; by default it is ppiLambda's.
 */
export function ppiMean(
  y: ArrayLike<number>,
  fLabelled: ArrayLike<number>,
  fUnlabelled: ArrayLike<number>,
  lambda?: number,
): Figure<PpiEstimate> {
  const n = y.length;
  const bigN = fUnlabelled.length;
  if (fLabelled.length !== n)
    throw new RangeError('Y and f on the labelled units differ in length');
  if (n < 2) return none('fewer than 2 items with human and LLM verdicts');
  if (bigN < 1) return none('no items with LLM verdicts only');
  const l = lambda ?? ppiLambda(y, fLabelled, fUnlabelled);
  const estimate = l * mean(fUnlabelled) + mean(y) - l * mean(fLabelled);
  const se = Math.sqrt(
    varianceOf(fUnlabelled, l, null, 0) / bigN + varianceOf(y, 1, fLabelled, l) / n,
  );
  return ok({ estimate, se, lambda: l });
}

/** A human-calibrated LLM win rate: the report's `calibrated` figure for one pair. */
export interface CalibratedWinRate {
  winRate: Figure<number>;
  ci: Figure<Interval>;
  /** Items with human and LLM verdicts (the labelled units, n). */
  nHuman: number;
  /** Items with LLM verdicts only (the unlabelled units, N). */
  nLlm: number;
  lambda: Figure<number>;
}

/** One item's verdict scores for a (ties ½), by humans and by the LLM judge(s). */
export interface CalibrationItem {
  human: readonly number[];
  llm: readonly number[];
}

/**
 * The human win rate estimated from human and LLM verdicts together (ppiMean), with items as the
 * units: each item's human verdicts and LLM verdicts are averaged first (itemMean), so several
 * judges, both orders or an LLM panel on one item count as one observation, and the normal
 * interval treats items, not verdicts, as independent (the cluster-aware counterpart of
 * cluster-Wilson). The estimand is therefore the item-averaged human win rate, which is the pooled
 * rate over verdicts when every item has the same number of human verdicts. Items with LLM
 * verdicts are labelled when they also have human ones and unlabelled otherwise; items with human
 * verdicts but no LLM verdict cannot enter the rectifier and are left out. The estimate and
 * interval are clipped to [0, 1], the range of a win rate (which only brings them closer to it).
 */
export function calibratedWinRate(
  items: readonly CalibrationItem[],
  level: number,
): CalibratedWinRate {
  checkLevel(level);
  const y: number[] = [];
  const fLabelled: number[] = [];
  const fUnlabelled: number[] = [];
  for (const item of items) {
    const f = itemMean(item.llm);
    if (f === null) continue;
    const h = itemMean(item.human);
    if (h === null) fUnlabelled.push(f);
    else {
      y.push(h);
      fLabelled.push(f);
    }
  }
  const counts = { nHuman: y.length, nLlm: fUnlabelled.length };
  const fit = ppiMean(y, fLabelled, fUnlabelled);
  if (fit.value === null) {
    return { winRate: none(fit.reason), ci: none(fit.reason), lambda: none(fit.reason), ...counts };
  }
  const { estimate, se, lambda } = fit.value;
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  const half = zCritical(level) * se;
  return {
    winRate: ok(clip(estimate)),
    ci:
      se > 0
        ? ok([clip(estimate - half), clip(estimate + half)])
        : none('every item has the same scores: the interval has no spread to measure'),
    lambda: ok(lambda),
    ...counts,
  };
}
