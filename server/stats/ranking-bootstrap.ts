import { fitBradleyTerry } from './bradley-terry.ts';
import { fitDavidson } from './davidson.ts';
import { checkLevel } from './figure.ts';
import { createMultinomial } from './multinomial.ts';
import { emptyTotals, type PairwiseTotals } from './pairwise-totals.ts';
import { percentileInterval } from './percentile.ts';
import { createResampler, groupClusters, type ResampleStrategy } from './resample.ts';
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
  /** Per system [low, high], or null when no round succeeded. */
  intervals: Array<[number, number] | null>;
  rounds: number;
  /** Rounds whose resample had no finite maximum-likelihood estimate; they are left out. */
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

/**
 * Items grouped by identical rows (the pairs sorted, so the order of the verdicts does not split a
 * group), with each group's rows over compact pair indices. Bradley–Terry needs only n and w, so
 * ties enter the key for Davidson alone: fewer groups, the same resampling distribution.
 */
function groupItems(rows: ItemRows, systems: number, withTies: boolean) {
  const items = rows.rowStart.length - 1;
  const pairOf = new Map<number, number>();
  const cells: number[] = [];
  const keys: string[] = new Array<string>(items);
  const order: number[] = [];
  for (let k = 0; k < items; k++) {
    order.length = 0;
    for (let r = rows.rowStart[k] as number; r < (rows.rowStart[k + 1] as number); r++) {
      order.push(r);
      const cell = rows.cell[r] as number;
      if (!pairOf.has(cell)) {
        pairOf.set(cell, cells.length);
        cells.push(cell);
      }
    }
    order.sort((x, y) => (rows.cell[x] as number) - (rows.cell[y] as number));
    let key = '';
    for (const r of order) {
      key += `${rows.cell[r]},${rows.n[r]},${rows.w[r]}`;
      key += withTies ? `,${rows.t[r]};` : ';';
    }
    keys[k] = key;
  }
  const { groups, representative } = groupClusters(keys);
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
  const alike = groupItems(rows, systems, model === 'davidson');
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
    const scores = fitScores(tot, base, model, pointEstimate);
    for (let sys = 0; sys < systems; sys++)
      reps[sys]![round] = scores ? (scores[sys] as number) : Number.NaN;
    if (!scores) failed++;
  }
  return {
    intervals: reps.map((values) => percentileInterval(values, level)?.interval ?? null),
    rounds,
    failedRounds: failed,
  };
}
