import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';

/**
 * Anytime-valid confidence sequence for a win rate: the two-sided normal-mixture boundary of
 * Howard, Ramdas, McAuliffe & Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic confidence
 * sequences", Annals of Statistics) for a bounded mean.
 *
 * The observations are item means (item-mean.ts) in the order the items were completed: several
 * verdicts on one item are correlated, so the sequence counts an item once, whatever its number of
 * verdicts. Each lies in [0, 1], so Xᵢ − μ is sub-Gaussian with variance proxy ¼ (Hoeffding's
 * lemma), whatever the items' verdict counts or ties, and mixing exp(λSₜ − λ²Vₜ/2) over
 * λ ~ N(0, 1/ρ) gives the nonnegative supermartingale √(ρ/(Vₜ + ρ))·exp(Sₜ²/(2(Vₜ + ρ))), with
 * Sₜ = Σ (Xᵢ − μ) and Vₜ = t/4. By Ville's inequality it exceeds 1/α at some t with probability at
 * most α, so every μ outside
 *
 *   x̄ₜ ± √((Vₜ + ρ)·log((Vₜ + ρ)/(ρα²))) / t
 *
 * can be excluded at every t at once: the study may be watched after every item and stopped the
 * moment the interval excludes ½ or is narrow enough, without inflating the error. The running
 * intersection over t is reported (also valid, and never widens).
 *
 * Why this boundary and not a betting (hedged-capital) sequence: it is closed-form, so it costs
 * O(1) per item and is checked exactly; its price is that it assumes the worst-case variance ¼,
 * so it is conservative when item means vary less (many verdicts per item, rates far from ½).
 */
export interface SequenceOptions {
  level: number;
  /**
   * The number of items at which the boundary is tightest (ρ is tuned for it); the sequence is
   * valid at every number of items whatever this is.
   */
  plannedItems: number;
}

export const DEFAULT_PLANNED_ITEMS = 100;

export interface SequentialResult {
  /** The running intersection of the sequence's intervals, within [0, 1]. */
  ci: Interval;
  /** 'a' once the sequence lies above ½, 'b' once below; null while it holds ½. */
  decided: 'a' | 'b' | null;
  /** Half the width of `ci`. */
  halfWidth: number;
  /** Items seen. */
  items: number;
}

/**
 * The mixture precision ρ that makes the boundary tightest at intrinsic time v (Howard et al.
 * 2021, two-sided normal mixture): minimising (v + ρ)·log((v + ρ)/(ρα²)) over ρ gives
 * ρ = v/(x − 1) with x the root above 1 of log x − x = 2 log α − 1, that is
 * x = −W₋₁(−α²/e); found by the fixed-point iteration x ← log x + 1 − 2 log α (a contraction,
 * derivative 1/x < 1).
 */
export function mixtureRho(v: number, alpha: number): number {
  if (!(v > 0)) throw new RangeError(`the planned intrinsic time must be positive, got ${v}`);
  const c = 1 - 2 * Math.log(alpha);
  let x = c;
  for (let i = 0; i < 200; i++) {
    const next = Math.log(x) + c;
    if (Math.abs(next - x) < 1e-15 * next) {
      x = next;
      break;
    }
    x = next;
  }
  return v / (x - 1);
}

/** The boundary's radius around the running mean after t observations of variance proxy ¼. */
export function mixtureRadius(t: number, rho: number, alpha: number): number {
  const v = t / 4;
  return Math.sqrt((v + rho) * Math.log((v + rho) / (rho * alpha * alpha))) / t;
}

/** The sequence fed one item mean at a time, O(1) per item: what a live monitor keeps. */
export class ConfidenceSequence {
  private readonly alpha: number;
  private readonly rho: number;
  private t = 0;
  private sum = 0;
  private lo = 0;
  private hi = 1;

  constructor(options: SequenceOptions) {
    checkLevel(options.level);
    this.alpha = 1 - options.level;
    this.rho = mixtureRho(options.plannedItems / 4, this.alpha);
  }

  /** Adds one item's mean score (in [0, 1]). */
  push(x: number): void {
    if (!(x >= 0 && x <= 1)) throw new RangeError(`an item mean must be in [0, 1], got ${x}`);
    this.t++;
    this.sum += x;
    const mean = this.sum / this.t;
    const r = mixtureRadius(this.t, this.rho, this.alpha);
    const lo = Math.max(this.lo, mean - r);
    const hi = Math.min(this.hi, mean + r);
    // An empty intersection means the boundary was crossed at every μ, an event of probability at
    // most α: the last non-empty interval is kept rather than reporting none.
    if (lo <= hi) {
      this.lo = lo;
      this.hi = hi;
    }
  }

  result(): SequentialResult {
    const decided = this.lo > 0.5 ? 'a' : this.hi < 0.5 ? 'b' : null;
    return {
      ci: [this.lo, this.hi],
      decided,
      halfWidth: (this.hi - this.lo) / 2,
      items: this.t,
    };
  }
}

/** The sequence after the given item means, in completion order. */
export function confidenceSequence(
  itemMeans: ArrayLike<number>,
  options: SequenceOptions,
): Figure<SequentialResult> {
  const cs = new ConfidenceSequence(options);
  if (itemMeans.length === 0) return none('no items');
  for (let i = 0; i < itemMeans.length; i++) cs.push(itemMeans[i] as number);
  return ok(cs.result());
}
