import type { PairStats } from '../../shared/report.ts';
import type { LeaningClusters } from '../stats/bootstrap.ts';
import {
  addScore,
  emptyMoments,
  addLean,
  scoreNumerator,
  scoreWeight,
  type TiesMode,
} from '../stats/moments.ts';
import { summarizePair, type SummaryOptions } from '../stats/pair-summary.ts';
import { take } from './figures.ts';
import { int32s } from './growable.ts';

/**
 * Summary of the verdicts `indices` scored by `score` (NaN = no verdict on this measure), with
 * per-item clusters for the bootstrap. `scratch` arrays are sized to the item dictionary and come
 * back zeroed.
 */
export function subsetStats(
  indices: ArrayLike<number>,
  score: Float64Array,
  item: Int32Array,
  scratch: {
    sum: Float64Array;
    count: Float64Array;
    verdicts?: Float64Array;
    towardA?: Float64Array;
    towardB?: Float64Array;
  },
  opts: SummaryOptions & { ties: TiesMode },
): PairStats {
  // allocated on first use, so callers size only the two arrays every subset needs
  const perItem = (scratch.verdicts ??= new Float64Array(scratch.sum.length));
  const aOf = (scratch.towardA ??= new Float64Array(scratch.sum.length));
  const bOf = (scratch.towardB ??= new Float64Array(scratch.sum.length));
  const m = emptyMoments();
  const touched = int32s();
  // verdicts per item, kept only when weights are not verdict counts (fractional, ties excluded)
  let fractional = false;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    const s = score[i] as number;
    if (Number.isNaN(s)) continue;
    addScore(m, s, opts.ties);
    const w = scoreWeight(s, opts.ties);
    if (w === 0) continue; // an excluded tie
    if (w !== 1) fractional = true;
    const it = item[i] as number;
    if (scratch.count[it] === 0 && perItem[it] === 0) touched.push(it);
    scratch.sum[it] = (scratch.sum[it] as number) + scoreNumerator(s, opts.ties);
    scratch.count[it] = (scratch.count[it] as number) + w;
    perItem[it] = (perItem[it] as number) + 1;
    addLean(aOf, bOf, it, s);
  }
  const clusters: LeaningClusters = {
    sums: new Float64Array(touched.length),
    counts: new Float64Array(touched.length),
    towardA: new Float64Array(touched.length),
    towardB: new Float64Array(touched.length),
  };
  const verdicts = fractional ? new Float64Array(touched.length) : null;
  touched.values().forEach((it, k) => {
    clusters.sums[k] = scratch.sum[it] as number;
    clusters.counts[k] = scratch.count[it] as number;
    if (verdicts) verdicts[k] = perItem[it] as number;
    clusters.towardA[k] = aOf[it] as number;
    clusters.towardB[k] = bOf[it] as number;
    aOf[it] = 0;
    bOf[it] = 0;
    scratch.sum[it] = 0;
    scratch.count[it] = 0;
    perItem[it] = 0;
  });
  if (verdicts) clusters.verdicts = verdicts;
  const summary = summarizePair(m, clusters, opts);
  const reasons: Record<string, string> = {};
  return {
    n: summary.n,
    wins: summary.wins,
    losses: summary.losses,
    ties: summary.ties,
    items: summary.items,
    winRate: take(summary.winRate, 'winRate', reasons),
    se: take(summary.se, 'se', reasons),
    ci: take(summary.ci, 'ci', reasons) as [number, number] | null,
    ciMethod: summary.ciMethod,
    pValue: take(summary.pValue, 'pValue', reasons),
    pTest: summary.pTest,
    reasons,
  };
}
