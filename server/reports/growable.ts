type TypedArray = Int32Array | Float64Array | Int8Array | Uint8Array;

type TypedArrayClass<T> = { new (length: number): T; new (buffer: ArrayBufferLike): T };

/**
 * `arr` itself when it holds `length` elements, else a copy at least twice as long, on shared
 * memory when `arr` is (so a column stays readable by a worker without a copy).
 */
export function grow<T extends TypedArray>(arr: T, length: number): T {
  if (length <= arr.length) return arr;
  const n = Math.max(length, arr.length * 2);
  const Ctor = arr.constructor as TypedArrayClass<T>;
  const next =
    arr.buffer instanceof SharedArrayBuffer
      ? new Ctor(new SharedArrayBuffer(n * arr.BYTES_PER_ELEMENT))
      : new Ctor(n);
  next.set(arr);
  return next;
}

/** A zero-filled typed array of `length` elements on shared memory (grow keeps it shared). */
export function sharedArray<T extends TypedArray>(
  Ctor: TypedArrayClass<T> & { BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT));
}

/**
 * A typed array that grows as values are pushed: what a `number[]` built by `push` would be,
 * without a heap object per element or the JavaScript array's boxed-double fallback.
 */
export class Growable<T extends TypedArray> {
  private count = 0;

  constructor(private array: T) {}

  get length(): number {
    return this.count;
  }

  /** Drops the values from index `length` on. */
  truncate(length: number): void {
    if (length < 0 || length > this.count) throw new RangeError(`cannot truncate to ${length}`);
    this.count = length;
  }

  push(value: number): void {
    if (this.count === this.array.length) this.array = grow(this.array, this.count + 1);
    this.array[this.count++] = value;
  }

  /**
   * The values pushed so far: a view that shares memory until the next push that grows, and
   * keeps the whole (up to twice as long) buffer alive.
   */
  values(): T {
    return this.array.subarray(0, this.count) as T;
  }
}

export const int32s = (capacity = 64) => new Growable(new Int32Array(capacity));
export const float64s = (capacity = 64) => new Growable(new Float64Array(capacity));
