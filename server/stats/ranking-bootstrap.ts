import { fitBradleyTerry } from './bradley-terry.ts';
import { fitDavidson } from './davidson.ts';
import { checkLevel } from './figure.ts';
import { createMultinomial } from './multinomial.ts';
import { emptyTotals, type PairwiseTotals, reach } from './pairwise-totals.ts';
import { holdingEstimate, quantileSorted, zeroWidth } from './percentile.ts';
import { createResampler, type ClusterGroups, type ResampleStrategy } from './resample.ts';
import type { Rng } from './rng.ts';

export type RankingModel = 'bradley-terry' | 'davidson';

/** Each item's contribution to the pairwise totals: rows of (i·N + j with i < j, n, w of i, ties). */
export interface ItemRows {
  /** rowStart[k]..rowStart[k+1] are item k's rows. */
  rowStart: Int32Array;
  cell: Int32Array;
  n: Float64Array;
  w: Float64Array;
  t: Float64Array;
}

export interface RankingBootstrap {
  /** Per system [low, high], or null when the percentile interval is unbounded or degenerate. */
  intervals: Array<[number, number] | null>;
  /** Per system, why its interval is null. */
  reasons: Array<string | undefined>;
  rounds: number;
  /**
   * Rounds whose resample had no finite estimate for some system. They are not left out: in them
   * a system ranked above (below) the base in every comparison path scores +∞ (−∞), one not
   * ordered against the base counts as −∞ for the lower bound and +∞ for the upper.
   */
  failedRounds: number;
}

export function fitScores(
  tot: PairwiseTotals,
  base: number,
  model: RankingModel,
  start?: Float64Array,
): Float64Array | null {
  const fit = model === 'davidson' ? fitDavidson(tot, base) : fitBradleyTerry(tot, base, start);
  return fit.value ? fit.value.scores : null;
}

/** The totals between `members` only, re-indexed 0..members.length−1. */
function restrict(tot: PairwiseTotals, members: number[]): PairwiseTotals {
  const s = tot.systems;
  const m = members.length;
  const sub = emptyTotals(m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      const from = (members[a] as number) * s + (members[b] as number);
      sub.n[a * m + b] = tot.n[from] as number;
      sub.w[a * m + b] = tot.w[from] as number;
      sub.t[a * m + b] = tot.t[from] as number;
    }
  }
  return sub;
}

/**
 * The scores of a resample in the extended sense when the maximum-likelihood estimate is not
 * finite: the systems in the base's strongly connected component (of the "scored against" graph)
 * get the estimate fitted on their comparisons alone, those every path puts above the base +∞,
 * below it −∞, and the rest NaN (not ordered against the base). A Davidson resample without ties
 * has ν = 0 at the boundary, where the model is Bradley–Terry; one of ties only leaves the
 * strengths undetermined (NaN).
 */
export function extendedScores(
  tot: PairwiseTotals,
  base: number,
  model: RankingModel,
  start?: Float64Array,
): Float64Array {
  const fitted = fitScores(tot, base, model, start);
  if (fitted) return fitted;
  const s = tot.systems;
  const out = new Float64Array(s).fill(Number.NaN);
  const below = reach(tot, base, 'forward');
  const above = reach(tot, base, 'backward');
  const members: number[] = [];
  for (let i = 0; i < s; i++) {
    if (below[i] && above[i]) members.push(i);
    else if (below[i]) out[i] = -Infinity;
    else if (above[i]) out[i] = Infinity;
  }
  if (members.length === 1) {
    out[base] = 0;
    return out;
  }
  let sub: Float64Array | null;
  if (members.length < s) {
    sub = extendedScores(restrict(tot, members), members.indexOf(base), model);
  } else {
    // strongly connected: only the Davidson tie parameter can be on its boundary
    let ties = 0;
    for (let k = 0; k < s * s; k++) ties += tot.t[k] as number;
    sub = model === 'davidson' && ties === 0 ? fitScores(tot, base, 'bradley-terry') : null;
  }
  if (sub) members.forEach((sys, k) => (out[sys] = sub[k] as number));
  return out;
}

/**
 * The percentile interval of replicates that may be ±∞ or NaN (not ordered): NaN counts as −∞
 * for the lower bound and +∞ for the upper, so the interval covers every way of ordering them.
 */
export function extendedPercentileInterval(
  values: Float64Array,
  level: number,
): { interval: [number, number] } | { reason: string } {
  const m = values.length;
  const alpha = 1 - level;
  const bound = (nanAs: number, q: number): number => {
    const sorted = Float64Array.from(values, (v) => (Number.isNaN(v) ? nanAs : v)).sort();
    const h = (m - 1) * q;
    const lo = Math.floor(h);
    // an infinite neighbour with a zero interpolation weight does not count
    if (h === lo) return sorted[lo] as number;
    return quantileSorted(sorted, q);
  };
  const low = bound(-Infinity, alpha / 2);
  const high = bound(Infinity, 1 - alpha / 2);
  let infinite = 0;
  for (const v of values) if (!Number.isFinite(v)) infinite++;
  if (!Number.isFinite(low) || !Number.isFinite(high))
    return {
      reason: `the interval is unbounded: ${infinite} of ${m} bootstrap resamples have no finite score for this system (it won or lost all its comparisons there, or was not compared)`,
    };
  if (zeroWidth(low, high))
    return {
      reason:
        m < 2
          ? 'one bootstrap round cannot give an interval (--rounds 1)'
          : 'every bootstrap resample gives the same score (the items are alike), so the bootstrap cannot measure its uncertainty: a zero-width interval would overstate it',
    };
  return { interval: [low, high] };
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

function mixDouble(h: number, v: number): number {
  bits[0] = v;
  h = Math.imul(h ^ (words[0] as number), 0x85ebca6b);
  h = Math.imul(h ^ (words[1] as number) ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 32-bit hash of a row (murmur3-style mixing of its words); the seed gives independent ones. */
function rowHash(seed: number, cell: number, n: number, w: number, t: number): number {
  return mixDouble(mixDouble(mixDouble(Math.imul(seed ^ cell, 0x9e3779b1), n), w), t);
}

/**
 * Items grouped by identical rows, with each group's rows over compact pair indices. An item's
 * rows are one per pair, so two items are alike when every row of one has its equal in the other
 * whatever the order: the hash is a sum of row hashes, and a hash match is confirmed row by row.
 * Bradley–Terry needs only n and w, so ties count for Davidson alone: fewer groups, the same
 * resampling distribution.
 */
function groupItems(rows: ItemRows, withTies: boolean) {
  const items = rows.rowStart.length - 1;
  const pairOf = new Map<number, number>();
  const cells: number[] = [];
  const tie = (r: number) => (withTies ? (rows.t[r] as number) : 0);
  const alike = (x: number, y: number): boolean => {
    const [x0, x1] = [rows.rowStart[x] as number, rows.rowStart[x + 1] as number];
    const [y0, y1] = [rows.rowStart[y] as number, rows.rowStart[y + 1] as number];
    if (x1 - x0 !== y1 - y0) return false;
    for (let r = x0; r < x1; r++) {
      let q = y0;
      while (q < y1 && rows.cell[q] !== rows.cell[r]) q++;
      if (q === y1 || rows.n[q] !== rows.n[r] || rows.w[q] !== rows.w[r] || tie(q) !== tie(r))
        return false;
    }
    return true;
  };
  const firstOfHash = new Map<number, number>();
  const nextOfGroup: number[] = [];
  const reps: number[] = [];
  const sizes: number[] = [];
  const groupOf = new Int32Array(items);
  for (let k = 0; k < items; k++) {
    let h1 = 0;
    let h2 = 0;
    for (let r = rows.rowStart[k] as number; r < (rows.rowStart[k + 1] as number); r++) {
      const cell = rows.cell[r] as number;
      if (!pairOf.has(cell)) {
        pairOf.set(cell, cells.length);
        cells.push(cell);
      }
      const [n, w, t] = [rows.n[r] as number, rows.w[r] as number, tie(r)];
      h1 = (h1 + rowHash(0x243f6a88, cell, n, w, t)) | 0;
      h2 = (h2 + rowHash(0x13198a2e, cell, n, w, t)) | 0;
    }
    const key = (h1 >>> 0) * 2097152 + (h2 >>> 11); // 53 bits
    let g = firstOfHash.get(key);
    let last = -1;
    while (g !== undefined && g >= 0 && !alike(reps[g] as number, k)) {
      last = g;
      g = nextOfGroup[g];
    }
    if (g === undefined || g < 0) {
      g = reps.length;
      reps.push(k);
      sizes.push(0);
      nextOfGroup.push(-1);
      if (last >= 0) nextOfGroup[last] = g;
      else firstOfHash.set(key, g);
    }
    sizes[g]!++;
    groupOf[k] = g;
  }
  const representative = Int32Array.from(reps);
  const groups: ClusterGroups = { clusters: items, sizes: Float64Array.from(sizes), groupOf };
  const g = representative.length;
  const rowStart = new Int32Array(g + 1);
  for (let k = 0; k < g; k++) {
    const it = representative[k] as number;
    rowStart[k + 1] =
      (rowStart[k] as number) + (rows.rowStart[it + 1] as number) - (rows.rowStart[it] as number);
  }
  const size = rowStart[g] as number;
  const [pair, n, w, t] = [
    new Int32Array(size),
    new Float64Array(size),
    new Float64Array(size),
    new Float64Array(size),
  ];
  for (let k = 0; k < g; k++) {
    let o = rowStart[k] as number;
    const it = representative[k] as number;
    for (let r = rows.rowStart[it] as number; r < (rows.rowStart[it + 1] as number); r++, o++) {
      pair[o] = pairOf.get(rows.cell[r] as number) as number;
      n[o] = rows.n[r] as number;
      w[o] = rows.w[r] as number;
      t[o] = withTies ? (rows.t[r] as number) : 0;
    }
  }
  return { groups, rowStart, pair, n, w, t, cells: Int32Array.from(cells) };
}

/**
 * Percentile CIs of the log-strengths, resampling items (with all their verdicts) as clusters.
 * Items with the same rows are one group, and a round draws how many copies of each group it takes
 * (a multinomial), so a round costs O(groups), not O(items), when verdicts repeat.
 */
export function bootstrapRanking(
  rows: ItemRows,
  systems: number,
  base: number,
  model: RankingModel,
  level: number,
  rounds: number,
  rng: Rng,
  pointEstimate?: Float64Array,
  strategy: ResampleStrategy = 'auto',
): RankingBootstrap {
  checkLevel(level);
  const items = rows.rowStart.length - 1;
  const alike = groupItems(rows, model === 'davidson');
  const { groups, rowStart, pair, n: gn, w: gw, t: gt, cells } = alike;
  // a conditional binomial costs a few uniforms, an index draw one per item
  const multinomial =
    strategy === 'multinomial' || (strategy === 'auto' && groups.sizes.length * 12 < items);
  const draw = multinomial
    ? (
        (sample) => (out: Float64Array) =>
          sample(out, items)
      )(createMultinomial(groups.sizes, rng))
    : createResampler(groups, rng, 'index');
  const g = groups.sizes.length;
  const copies = new Float64Array(g);
  const reps = Array.from({ length: systems }, () => new Float64Array(rounds));
  let failed = 0;
  const tot = emptyTotals(systems);
  const pairs = cells.length;
  const pn = new Float64Array(pairs);
  const pw = new Float64Array(pairs);
  const pt = new Float64Array(pairs);
  for (let round = 0; round < rounds; round++) {
    draw(copies);
    pn.fill(0);
    pw.fill(0);
    pt.fill(0);
    for (let k = 0; k < g; k++) {
      const c = copies[k] as number;
      if (c === 0) continue;
      for (let r = rowStart[k] as number; r < (rowStart[k + 1] as number); r++) {
        const p = pair[r] as number;
        pn[p] = (pn[p] as number) + c * (gn[r] as number);
        pw[p] = (pw[p] as number) + c * (gw[r] as number);
        pt[p] = (pt[p] as number) + c * (gt[r] as number);
      }
    }
    for (let p = 0; p < pairs; p++) {
      const cell = cells[p] as number;
      const i = Math.floor(cell / systems);
      const mirror = (cell - i * systems) * systems + i;
      tot.n[cell] = tot.n[mirror] = pn[p] as number;
      tot.w[cell] = pw[p] as number;
      tot.w[mirror] = (pn[p] as number) - (pw[p] as number);
      tot.t[cell] = tot.t[mirror] = pt[p] as number;
    }
    const scores = extendedScores(tot, base, model, pointEstimate);
    let finite = true;
    for (let sys = 0; sys < systems; sys++) {
      const v = scores[sys] as number;
      reps[sys]![round] = v;
      if (!Number.isFinite(v)) finite = false;
    }
    if (!finite) failed++;
  }
  const intervals: RankingBootstrap['intervals'] = [];
  const reasons: RankingBootstrap['reasons'] = [];
  reps.forEach((values, sys) => {
    const r = extendedPercentileInterval(values, level);
    // as the win rates' bootstrap, the interval holds the estimate (few rounds can miss it)
    const est = pointEstimate?.[sys];
    intervals.push(
      !('interval' in r)
        ? null
        : est === undefined || !Number.isFinite(est)
          ? r.interval
          : holdingEstimate(r.interval, est),
    );
    reasons.push('reason' in r ? r.reason : undefined);
  });
  return { intervals, reasons, rounds, failedRounds: failed };
}
