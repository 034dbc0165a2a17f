import { checkLevel, none, ok, type Figure, type Interval } from './figure.ts';
import { percentileInterval } from './percentile.ts';
import { createResampler, groupNumericPairs, type ResampleStrategy } from './resample.ts';
import type { Rng } from './rng.ts';

/** Verdicts grouped by item: each item's score sum and verdict count (ties dropped if excluded). */
export interface ClusterScores {
  sums: Float64Array;
  counts: Float64Array;
}

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

/** Percentile bootstrap interval for the win rate, resampling items as clusters. */
export function clusteredBootstrapInterval(
  clusters: ClusterScores,
  level: number,
  rounds: number,
  rng: Rng,
  strategy: ResampleStrategy = 'auto',
): Figure<Interval> {
  checkLevel(level);
  if (clusters.sums.length === 0) return none('no verdicts');
  if (rounds < 1) return none('no bootstrap rounds');
  const reps = bootstrapRatioReplicates(clusters, rounds, rng, strategy);
  const result = percentileInterval(reps, level);
  if (!result) return none('every bootstrap round drew no verdicts');
  return ok(result.interval);
}
