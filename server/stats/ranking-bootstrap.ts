import { fitBradleyTerry } from './bradley-terry.ts';
import { fitDavidson } from './davidson.ts';
import { checkLevel } from './figure.ts';
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

/** Percentile CIs of the log-strengths, resampling items (with all their verdicts) as clusters. */
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
  const keys: string[] = new Array<string>(items);
  for (let k = 0; k < items; k++) {
    let key = '';
    for (let r = rows.rowStart[k] as number; r < (rows.rowStart[k + 1] as number); r++) {
      key += `${rows.cell[r]},${rows.n[r]},${rows.w[r]},${rows.t[r]};`;
    }
    keys[k] = key;
  }
  const { groups, representative } = groupClusters(keys);
  const draw = createResampler(groups, rng, strategy);
  const copies = new Float64Array(representative.length);
  const reps = Array.from({ length: systems }, () => new Float64Array(rounds));
  let failed = 0;
  const tot = emptyTotals(systems);
  for (let round = 0; round < rounds; round++) {
    draw(copies);
    tot.n.fill(0);
    tot.w.fill(0);
    tot.t.fill(0);
    for (let g = 0; g < representative.length; g++) {
      const c = copies[g] as number;
      if (c === 0) continue;
      const k = representative[g] as number;
      for (let r = rows.rowStart[k] as number; r < (rows.rowStart[k + 1] as number); r++) {
        const cell = rows.cell[r] as number;
        const i = Math.floor(cell / systems);
        const j = cell - i * systems;
        const mirror = j * systems + i;
        const n = c * (rows.n[r] as number);
        const w = c * (rows.w[r] as number);
        const t = c * (rows.t[r] as number);
        tot.n[cell] = (tot.n[cell] as number) + n;
        tot.n[mirror] = (tot.n[mirror] as number) + n;
        tot.w[cell] = (tot.w[cell] as number) + w;
        tot.w[mirror] = (tot.w[mirror] as number) + n - w;
        tot.t[cell] = (tot.t[cell] as number) + t;
        tot.t[mirror] = (tot.t[mirror] as number) + t;
      }
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
