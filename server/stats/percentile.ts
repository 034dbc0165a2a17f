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
