import { none, ok, type Figure, type Interval } from './figure.ts';

/**
 * Quantile of sorted data with linear interpolation between order statistics (numpy's default,
 * Hyndman–Fan type 7).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const m = sorted.length;
  if (m === 0) throw new RangeError('quantile of no values');
  const h = (m - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo + 1 >= m) return a;
  const b = sorted[lo + 1] as number;
  return a + (h - lo) * (b - a);
}

/** Percentile interval at `level` from replicate values; NaN replicates are dropped first. */
export function percentileInterval(
  values: Float64Array,
  level: number,
): { interval: [number, number]; used: number } | null {
  let valid = 0;
  const copy = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) copy[valid++] = v;
  }
  if (valid === 0) return null;
  const sorted = copy.subarray(0, valid).sort();
  const alpha = 1 - level;
  return {
    interval: [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)],
    used: valid,
  };
}

/**
 * Whether a bootstrap interval has no width to speak of: its ends equal up to rounding (an all-wins
 * study's competence-weighted rate gave [0.99993684972160170, 0.99993684972160180]).
 */
export function zeroWidth(low: number, high: number): boolean {
  return high - low <= 1e-9 * (1 + Math.abs(low));
}

/**
 * A bootstrap interval widened to hold its own estimate (few items, or few rounds, can skew the
 * percentiles off it): what every bootstrap of a report reports.
 */
export function holdingEstimate(
  interval: readonly [number, number],
  estimate: number,
): [number, number] {
  return [Math.min(interval[0], estimate), Math.max(interval[1], estimate)];
}

/** Why a bootstrap over fewer than 2 items has no interval. */
export const ONE_ITEM_BOOTSTRAP =
  'fewer than 2 items: a bootstrap over items has no spread to measure';

/**
 * A percentile bootstrap interval of zero width claims a certainty the items do not give (every
 * item all wins, all the same tie: every resample repeats the study), so it is reported as null
 * with this reason instead, as the ranking's is (docs/statistics.md, "Zero width").
 */
export function zeroWidthBootstrap(items: number, value: number): string {
  return `zero width: the resamples of the ${items} items all gave ${+value.toPrecision(6)} at both percentiles, so the bootstrap cannot measure this figure's uncertainty (the default interval can)`;
}

/**
 * The interval of a bootstrap over items that refits a model each round (the length- and
 * style-controlled win rates'): a NaN replicate is a round without a fit. With m of the n items
 * drawn per round (the m-out-of-n bootstrap), the replicates' deviations from `estimate` are first
 * shrunk by √(m/n), in place. Null when there are no rounds, or when more than 1 − level of them had
 * no fit (rather than an interval conditional on the fit existing), with fewer than 2 items, or
 * when it would have zero width (zeroWidthBootstrap); as the win-rate bootstrap's, the interval
 * always holds the estimate.
 */
export function refitBootstrapInterval(
  replicates: Float64Array,
  estimate: number,
  drawn: { m: number; n: number },
  level: number,
): Figure<Interval> {
  const rounds = replicates.length;
  if (rounds < 1) return none('no bootstrap rounds');
  if (drawn.n < 2) return none(ONE_ITEM_BOOTSTRAP);
  const shrink = Math.sqrt(drawn.m / drawn.n);
  if (shrink < 1)
    for (let r = 0; r < rounds; r++)
      replicates[r] = estimate + shrink * ((replicates[r] as number) - estimate);
  const result = percentileInterval(replicates, level);
  const failed = rounds - (result?.used ?? 0);
  if (!result || failed > (1 - level) * rounds)
    return none(`${failed} of ${rounds} bootstrap rounds had no logistic fit`);
  const [lo, hi] = holdingEstimate(result.interval, estimate);
  if (zeroWidth(lo, hi)) return none(zeroWidthBootstrap(drawn.n, lo));
  return ok([lo, hi]);
}
