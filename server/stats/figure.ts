/** A figure that may be uncomputable: a number, or null with the reason (never NaN). */
export type Figure<T> = { value: T; reason?: undefined } | { value: null; reason: string };

export function ok<T>(value: T): Figure<T> {
  return { value };
}

export function none<T>(reason: string): Figure<T> {
  return { value: null, reason };
}

export type Interval = readonly [number, number];

export function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
}
