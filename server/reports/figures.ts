import type { Figure } from '../stats/figure.ts';

/** Copies a Figure into a flat field, recording its reason when null. */
export function take<T>(fig: Figure<T>, field: string, reasons: Record<string, string>): T | null {
  if (fig.value === null) {
    reasons[field] = fig.reason ?? 'not computable';
    return null;
  }
  return fig.value;
}

/** Buckets of verdict indices by a key column (values < 0 are left out). */
export function bucket(indices: Int32Array, key: ArrayLike<number>): Map<number, Int32Array> {
  const counts = new Map<number, number>();
  for (const i of indices) {
    const k = key[i] as number;
    if (k >= 0) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out = new Map<number, Int32Array>();
  const fill = new Map<number, number>();
  for (const [k, c] of counts) {
    out.set(k, new Int32Array(c));
    fill.set(k, 0);
  }
  for (const i of indices) {
    const k = key[i] as number;
    if (k < 0) continue;
    const pos = fill.get(k) as number;
    (out.get(k) as Int32Array)[pos] = i;
    fill.set(k, pos + 1);
  }
  return out;
}

/** Verdict indices grouped by a small-integer key, by counting sort: start offsets and order. */
export function groupBy(
  key: Int32Array,
  length: number,
  keys: number,
): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < length; i++) start[(key[i] as number) + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const fill = start.slice(0, keys);
  const order = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const k = key[i] as number;
    order[fill[k]!++] = i;
  }
  return { start, order };
}
