/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
 * Every random draw in the statistics goes through an `Rng` passed in by the caller, so a report
 * is reproducible from its seed alone.
 */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Uniform integer in [0, n) without modulo bias; n ≤ 2^32. */
  nextInt(n: number): number;
}

const TWO32 = 4294967296;
const INV_TWO32 = 1 / TWO32;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32: expands one 32-bit seed into a well-mixed state (all-zero state is impossible in practice). */
export function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** From a 32-bit integer seed (through splitmix32) or an explicit non-zero 4-word state. */
  constructor(seed: number | readonly [number, number, number, number]) {
    if (typeof seed === 'number') {
      const next = splitmix32(seed);
      this.s0 = next() | 0;
      this.s1 = next() | 0;
      this.s2 = next() | 0;
      this.s3 = next() | 0;
    } else {
      [this.s0, this.s1, this.s2, this.s3] = seed.map((v) => v | 0) as [
        number,
        number,
        number,
        number,
      ];
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s3 = 1;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Fills `out` with uniform indices in [0, n) (Lemire's method, as nextInt), keeping the state in
   * locals: the hot loop of index resampling.
   */
  fillInts(out: Int32Array, n: number): void {
    checkIndexRange(n);
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const threshold = (TWO32 - n) % n;
    for (let i = 0; i < out.length;) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const m = r * n;
      const hi = (m * INV_TWO32) | 0;
      if (m - hi * TWO32 < threshold) continue;
      out[i++] = hi;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /**
   * Draws `draws` uniform indices in [0, n) and counts them by group: counts[groupOf[index]]++.
   * The same stream as fillInts, without materialising the indices.
   */
  countDraws(counts: Int32Array, groupOf: Int32Array, n: number, draws: number): void {
    checkIndexRange(n);
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const threshold = (TWO32 - n) % n;
    for (let i = 0; i < draws;) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const m = r * n;
      // m < 2^52 is exact, and hi < n < 2^31, so truncation by `| 0` is the floor
      const hi = (m * INV_TWO32) | 0;
      if (m - hi * TWO32 < threshold) continue;
      counts[groupOf[hi] as number]!++;
      i++;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  nextInt(n: number): number {
    // Lemire's multiply-and-reject; r * n < 2^52 stays exact in a double.
    let m = this.nextUint32() * n;
    let low = m % TWO32;
    if (low < n) {
      const threshold = (TWO32 - n) % n;
      while (low < threshold) {
        m = this.nextUint32() * n;
        low = m % TWO32;
      }
    }
    return Math.floor(m / TWO32);
  }
}

/**
 * Fills `out` with uniform indices in [0, n): Xoshiro128's bulk fillInts, else nextInt one by one
 * (the same stream either way).
 */
export function drawIndices(out: Int32Array, n: number, rng: Rng): void {
  if (rng instanceof Xoshiro128) rng.fillInts(out, n);
  else for (let k = 0; k < out.length; k++) out[k] = rng.nextInt(n);
}

/** The bulk draws truncate with `| 0`, which is the floor only below 2^31. */
function checkIndexRange(n: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= 0x7fffffff))
    throw new RangeError(`index range must be an integer in [1, 2^31), got ${n}`);
}

/** A child seed for a named sub-computation, so results do not depend on evaluation order. */
export function deriveSeed(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export function createRng(seed: number, key = ''): Rng {
  return new Xoshiro128(key ? deriveSeed(seed, key) : seed);
}
