type TypedArray = Int32Array | Float64Array | Int8Array | Uint8Array;

/** `arr` itself when it holds `length` elements, else a copy at least twice as long. */
export function grow<T extends TypedArray>(arr: T, length: number): T {
  if (length <= arr.length) return arr;
  const next = new (arr.constructor as new (n: number) => T)(Math.max(length, arr.length * 2));
  next.set(arr);
  return next;
}

/**
 * A typed array that grows as values are pushed: what a `number[]` built by `push` would be,
 * without a heap object per element or the JavaScript array's boxed-double fallback.
 */
export class Growable<T extends TypedArray> {
  length = 0;

  constructor(private array: T) {}

  push(value: number): void {
    if (this.length === this.array.length) this.array = grow(this.array, this.length + 1);
    this.array[this.length++] = value;
  }

  /** The values pushed so far (a view: it shares memory until the next push that grows). */
  values(): T {
    return this.array.subarray(0, this.length) as T;
  }
}

export const int32s = (capacity = 1024) => new Growable(new Int32Array(capacity));
export const float64s = (capacity = 1024) => new Growable(new Float64Array(capacity));
