import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';
import { bootstrapPValue } from './dual-test.ts';
import {
  holdingEstimate,
  ONE_ITEM_BOOTSTRAP,
  percentileInterval,
  zeroWidth,
  zeroWidthBootstrap,
} from './percentile.ts';
import { createResampler, groupNumericPairs, type ResampleStrategy } from './resample.ts';
import type { Rng } from './rng.ts';

/** Verdicts grouped by item: each item's score sum and weight (ties dropped if excluded). */
export interface ClusterScores {
  /** Σ numerator per item (moments.ts). */
  sums: Float64Array;
  /** Σ weight per item: its verdict count when ties count half. */
  counts: Float64Array;
  /** Verdicts per item, when they differ from `counts` (ties excluded with fractional scores). */
  verdicts?: Float64Array;
  /**
   * Per item, its included verdicts leaning to a (score > ½) and to b (score < ½), ties in
   * neither (moments.ts addLean). The default design (cluster-wilson.ts designEffect, its minority
   * cap) needs them; the bootstrap does not.
   */
  towardA?: Float64Array;
  towardB?: Float64Array;
}

/** Clusters with their leaning verdicts, as the default interval (its minority cap) needs them. */
export type LeaningClusters = ClusterScores & { towardA: Float64Array; towardB: Float64Array };

/**
 * Replicates of the ratio Σ sums / Σ counts over items resampled with replacement (with all their
 * verdicts). A round that drew no verdicts is NaN.
 */
export function bootstrapRatioReplicates(
  clusters: ClusterScores,
  rounds: number,
  rng: Rng,
  strategy: ResampleStrategy = 'auto',
): Float64Array {
  const k = clusters.sums.length;
  const out = new Float64Array(rounds);
  if (k === 0) return out.fill(Number.NaN);
  const { groups, representative } = groupNumericPairs(clusters.sums, clusters.counts);
  const g = representative.length;
  const gs = new Float64Array(g);
  const gc = new Float64Array(g);
  for (let i = 0; i < g; i++) {
    const r = representative[i] as number;
    gs[i] = clusters.sums[r] as number;
    gc[i] = clusters.counts[r] as number;
  }
  const draw = createResampler(groups, rng, strategy);
  const copies = new Float64Array(g);
  for (let r = 0; r < rounds; r++) {
    draw(copies);
    let s = 0;
    let c = 0;
    for (let i = 0; i < g; i++) {
      const m = copies[i] as number;
      s += m * (gs[i] as number);
      c += m * (gc[i] as number);
    }
    out[r] = c > 0 ? s / c : Number.NaN;
  }
  return out;
}

/**
 * Percentile bootstrap interval for the win rate, resampling items as clusters, widened to hold
 * the estimate, and the p-value dual to it on the same replicates (dual-test.ts). Both are null
 * with a reason with fewer than 2 items or when the interval would have zero width.
 */
export function clusteredBootstrap(
  clusters: ClusterScores,
  level: number,
  rounds: number,
  rng: Rng,
  strategy: ResampleStrategy = 'auto',
): { ci: Figure<Interval>; pValue: Figure<number> } {
  checkLevel(level);
  const fail = (reason: string) => ({ ci: none<Interval>(reason), pValue: none<number>(reason) });
  if (clusters.sums.length === 0) return fail('no verdicts');
  if (rounds < 1) return fail('no bootstrap rounds');
  let items = 0;
  for (let i = 0; i < clusters.counts.length; i++) if ((clusters.counts[i] as number) > 0) items++;
  if (items < 2) return fail(ONE_ITEM_BOOTSTRAP);
  const reps = bootstrapRatioReplicates(clusters, rounds, rng, strategy);
  const result = percentileInterval(reps, level);
  if (!result) return fail('every bootstrap round drew no verdicts');
  const sorted = reps.filter((v) => !Number.isNaN(v)).sort();
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < clusters.sums.length; i++) {
    sum += clusters.sums[i] as number;
    weight += clusters.counts[i] as number;
  }
  // resampling can skew the percentiles off the estimate itself (few items, all on one side):
  // the interval always holds it
  const estimate = sum / weight;
  const [lo, hi] = holdingEstimate(result.interval, estimate);
  // every resample the same (all wins, all one tie): neither an interval nor a p-value of 0
  if (zeroWidth(lo, hi)) return fail(zeroWidthBootstrap(items, lo));
  return {
    ci: ok([lo, hi]),
    pValue: ok(bootstrapPValue(sorted, estimate)),
  };
}

/** Percentile bootstrap interval for the win rate, resampling items as clusters. */
export function clusteredBootstrapInterval(
  clusters: ClusterScores,
  level: number,
  rounds: number,
  rng: Rng,
  strategy: ResampleStrategy = 'auto',
): Figure<Interval> {
  return clusteredBootstrap(clusters, level, rounds, rng, strategy).ci;
}
