import { createMultinomial } from './multinomial.ts';
import { Xoshiro128, type Rng } from './rng.ts';

/**
 * Clusters grouped by identical content. Resampling K clusters with replacement is the same as
 * drawing multinomial(K, size_g / K) copies of each group, so when clusters repeat (discrete
 * verdicts) a round costs O(groups) instead of O(K).
 */
export interface ClusterGroups {
  /** Number of clusters K. */
  clusters: number;
  /** Clusters per group. */
  sizes: Float64Array;
  /** The group of each cluster, for the O(K) path. */
  groupOf: Int32Array;
}

/** Groups clusters by a content key; returns the groups and each group's first cluster. */
export function groupClusters(keys: ArrayLike<string>): {
  groups: ClusterGroups;
  representative: Int32Array;
} {
  const index = new Map<string, number>();
  const groupOf = new Int32Array(keys.length);
  const reps: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    let g = index.get(key);
    if (g === undefined) {
      g = reps.length;
      index.set(key, g);
      reps.push(i);
      sizes.push(0);
    }
    sizes[g]!++;
    groupOf[i] = g;
  }
  return {
    groups: { clusters: keys.length, sizes: Float64Array.from(sizes), groupOf },
    representative: Int32Array.from(reps),
  };
}

/** Groups clusters by a pair of numbers (score sum, verdict count) without building strings. */
export function groupNumericPairs(
  x: Float64Array,
  y: Float64Array,
): { groups: ClusterGroups; representative: Int32Array } {
  const index = new Map<number, Map<number, number>>();
  const groupOf = new Int32Array(x.length);
  const reps: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < x.length; i++) {
    let inner = index.get(y[i] as number);
    if (!inner) {
      inner = new Map();
      index.set(y[i] as number, inner);
    }
    let g = inner.get(x[i] as number);
    if (g === undefined) {
      g = reps.length;
      inner.set(x[i] as number, g);
      reps.push(i);
      sizes.push(0);
    }
    sizes[g]!++;
    groupOf[i] = g;
  }
  return {
    groups: { clusters: x.length, sizes: Float64Array.from(sizes), groupOf },
    representative: Int32Array.from(reps),
  };
}

/** Every cluster its own group: the plain index-resampling path. */
export function ungrouped(k: number): ClusterGroups {
  const groupOf = new Int32Array(k);
  for (let i = 0; i < k; i++) groupOf[i] = i;
  return { clusters: k, sizes: new Float64Array(k).fill(1), groupOf };
}

export type ResampleStrategy = 'auto' | 'multinomial' | 'index';

/** A sampler filling `out[g]` with how many copies of group g one bootstrap round drew. */
export function createResampler(
  groups: ClusterGroups,
  rng: Rng,
  strategy: ResampleStrategy = 'auto',
): (out: Float64Array) => void {
  const k = groups.clusters;
  const g = groups.sizes.length;
  // Sequential binomials cost about 10 uniform draws each; index draws cost one per cluster.
  const multinomial = strategy === 'multinomial' || (strategy === 'auto' && g * 12 < k);
  if (multinomial) {
    // exact conditional binomials (createBinomial) driven by our seeded stream
    const sample = createMultinomial(groups.sizes, rng);
    return (out) => sample(out, k);
  }
  const groupOf = groups.groupOf;
  if (rng instanceof Xoshiro128) {
    const counts = new Int32Array(g);
    return (out) => {
      counts.fill(0);
      rng.countDraws(counts, groupOf, k, k);
      for (let i = 0; i < g; i++) out[i] = counts[i] as number;
    };
  }
  return (out) => {
    out.fill(0);
    for (let i = 0; i < k; i++) {
      const gi = groupOf[rng.nextInt(k)] as number;
      out[gi] = (out[gi] as number) + 1;
    }
  };
}
