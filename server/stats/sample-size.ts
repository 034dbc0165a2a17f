import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { criticalValue } from './cluster-wilson.ts';
import { checkLevel, none, ok, type Figure } from './figure.ts';
import { wilsonBounds } from './wilson.ts';

/**
 * Sample size for a planned study, with the variance model of the report's default interval
 * (docs/statistics.md, "Planning a study's size"): win/loss verdicts at rate p, `verdictsPerItem`
 * (m) on every item, intra-item correlation `icc` (ρ). The rate's variance over k items is
 * p(1 − p)·deff/(k·m) with Kish's deff = 1 + (m − 1)·ρ, so the effective sample size is
 * n_eff = k·m/deff; the interval is Wilson on n_eff at t_{k−1} when m > 1 (cluster-Wilson) and at
 * z when m = 1 (Wilson: one verdict per item is the report's unclustered case, where ρ plays no
 * part). Ties are not modelled: they carry less variance than a win or a loss, so a study with
 * ties needs at most the items computed here. Nor are three rules of the report's interval: the
 * minority cap, the verdicts' degrees of freedom where the independence floor wins, and
 * Agresti–Coull in place of Wilson with one verdict per item (docs/statistics.md gives the margins).
 */
export interface PlanDesign {
  /** The expected win rate p of the first system, in (0, 1). */
  rate: number;
  /** Intra-item correlation of the verdicts, in [0, 1]. */
  icc: number;
  /** Verdicts per item (judges × orders), an integer ≥ 1. */
  verdictsPerItem: number;
}

/** What a study of `items` items is expected to give under a design. */
export interface PlannedStudy {
  items: number;
  verdicts: number;
  deff: number;
  effectiveN: number;
  /** Degrees of freedom of the critical value: items − 1, Infinity (z) with one verdict per item. */
  df: number;
  critical: number;
}

/** The study size found by a search, with what it gives. */
export interface SampleSize extends PlannedStudy {
  /** The expected half-width of the default interval at this size, at the search's level. */
  halfWidth: number;
  /** The expected power of the test against ½ at this size (null for a half-width search). */
  power: number | null;
}

/** Beyond this the answer is not a study anyone will run; the search says so instead. */
export const MAX_ITEMS = 100_000_000;

export function checkDesign(d: PlanDesign): void {
  if (!(d.rate > 0 && d.rate < 1)) throw new RangeError(`rate must be in (0, 1), got ${d.rate}`);
  if (!(d.icc >= 0 && d.icc <= 1)) throw new RangeError(`icc must be in [0, 1], got ${d.icc}`);
  if (!(Number.isInteger(d.verdictsPerItem) && d.verdictsPerItem >= 1))
    throw new RangeError(`verdicts per item must be an integer >= 1, got ${d.verdictsPerItem}`);
}

/** The fewest items the default interval needs: 2 when clustered (t on items − 1 df), else 1. */
function minItems(d: PlanDesign): number {
  return d.verdictsPerItem > 1 ? 2 : 1;
}

/** The design of `items` items at a confidence level (1 − α for the test). */
export function plannedStudy(d: PlanDesign, items: number, level: number): PlannedStudy {
  checkDesign(d);
  checkLevel(level);
  const m = d.verdictsPerItem;
  const deff = 1 + (m - 1) * d.icc;
  const df = m > 1 ? items - 1 : Number.POSITIVE_INFINITY;
  return {
    items,
    verdicts: items * m,
    deff,
    effectiveN: (items * m) / deff,
    df,
    critical: criticalValue(df, level),
  };
}

/** Half-width of Wilson's interval at p̂ = rate on the planned n_eff and critical value. */
export function expectedHalfWidth(d: PlanDesign, items: number, level: number): number {
  const s = plannedStudy(d, items, level);
  const [lo, hi] = wilsonBounds(d.rate, s.effectiveN, s.critical);
  return (hi - lo) / 2;
}

/**
 * Power of the report's test of ½ at level α (the score test dual to the interval: reject when
 * |p̂ − ½|·2√n_eff > t_{k−1}, z with one verdict per item), with p̂ ~ N(p, p(1 − p)/n_eff): both
 * tails, so it is α at p = ½. The same formula as the textbook one-sample score test of a
 * proportion (null SD ½, alternative SD √(p(1 − p))) on n_eff, with t for z.
 */
export function expectedPower(d: PlanDesign, items: number, alpha: number): number {
  const s = plannedStudy(d, items, 1 - alpha);
  const shift = 2 * Math.abs(d.rate - 0.5) * Math.sqrt(s.effectiveN);
  const sd = 2 * Math.sqrt(d.rate * (1 - d.rate));
  return normalCdf((shift - s.critical) / sd, 0, 1) + normalCdf((-shift - s.critical) / sd, 0, 1);
}

/**
 * The smallest item count in [minItems, MAX_ITEMS] for which `reaches` holds, assuming it is
 * monotone in the count (more items: a larger n_eff and a smaller t): doubling, then bisection.
 */
function smallestItems(d: PlanDesign, reaches: (items: number) => boolean): number | null {
  let lo = minItems(d);
  if (reaches(lo)) return lo;
  let hi = lo;
  while (!reaches(hi)) {
    if (hi >= MAX_ITEMS) return null;
    lo = hi;
    hi = Math.min(MAX_ITEMS, hi * 2);
  }
  // reaches(hi) holds, reaches(lo) does not
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Items for the default interval's expected half-width to be at most `halfWidth`. */
export function itemsForHalfWidth(
  d: PlanDesign,
  halfWidth: number,
  level: number,
): Figure<SampleSize> {
  checkDesign(d);
  checkLevel(level);
  if (!(halfWidth > 0 && halfWidth < 0.5))
    throw new RangeError(`half-width must be in (0, 0.5), got ${halfWidth}`);
  const items = smallestItems(d, (k) => expectedHalfWidth(d, k, level) <= halfWidth);
  if (items === null) return none(`more than ${MAX_ITEMS} items would be needed`);
  return ok({
    ...plannedStudy(d, items, level),
    halfWidth: expectedHalfWidth(d, items, level),
    power: null,
  });
}

/** Items for the test of ½ at level `alpha` to reject with probability at least `power`. */
export function itemsForPower(d: PlanDesign, power: number, alpha: number): Figure<SampleSize> {
  checkDesign(d);
  checkLevel(1 - alpha);
  if (!(power > alpha && power < 1))
    throw new RangeError(`power must be in (alpha, 1), got ${power}`);
  if (d.rate === 0.5) return none('at a rate of ½ the test has no alternative to detect');
  const items = smallestItems(d, (k) => expectedPower(d, k, alpha) >= power);
  if (items === null) return none(`more than ${MAX_ITEMS} items would be needed`);
  return ok({
    ...plannedStudy(d, items, 1 - alpha),
    halfWidth: expectedHalfWidth(d, items, 1 - alpha),
    power: expectedPower(d, items, alpha),
  });
}
