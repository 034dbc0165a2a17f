/**
 * Pairwise totals between N systems, the sufficient statistics of Bradley–Terry models, as dense
 * N×N row-major matrices.
 */
export interface PairwiseTotals {
  systems: number;
  /** n[i·N + j] = n[j·N + i]: verdicts between i and j. */
  n: Float64Array;
  /** w[i·N + j]: i's score against j (win 1, tie ½); w[i,j] + w[j,i] = n[i,j]. */
  w: Float64Array;
  /** t[i·N + j] = t[j·N + i]: ties between i and j. */
  t: Float64Array;
}

export function emptyTotals(systems: number): PairwiseTotals {
  const size = systems * systems;
  return {
    systems,
    n: new Float64Array(size),
    w: new Float64Array(size),
    t: new Float64Array(size),
  };
}

/** Adds `weight` verdicts in which a scored `score` against b. */
export function addVerdict(
  tot: PairwiseTotals,
  a: number,
  b: number,
  score: number,
  weight = 1,
): void {
  const s = tot.systems;
  const ab = a * s + b;
  const ba = b * s + a;
  tot.n[ab] = (tot.n[ab] as number) + weight;
  tot.n[ba] = (tot.n[ba] as number) + weight;
  tot.w[ab] = (tot.w[ab] as number) + weight * score;
  tot.w[ba] = (tot.w[ba] as number) + weight * (1 - score);
  if (score === 0.5) {
    tot.t[ab] = (tot.t[ab] as number) + weight;
    tot.t[ba] = (tot.t[ba] as number) + weight;
  }
}

/**
 * Systems reachable from `base` along "scored against" edges (`forward`), against them
 * (`backward`), or along any comparison whatever its outcome (`compared`).
 */
export function reach(
  tot: PairwiseTotals,
  base: number,
  edges: 'forward' | 'backward' | 'compared',
): Uint8Array {
  const s = tot.systems;
  const seen = new Uint8Array(s);
  const stack = [base];
  seen[base] = 1;
  while (stack.length) {
    const i = stack.pop() as number;
    for (let j = 0; j < s; j++) {
      if (seen[j]) continue;
      const w =
        edges === 'forward'
          ? (tot.w[i * s + j] as number)
          : edges === 'backward'
            ? (tot.w[j * s + i] as number)
            : (tot.n[i * s + j] as number);
      if (w > 0) {
        seen[j] = 1;
        stack.push(j);
      }
    }
  }
  return seen;
}

/** How many groups of systems the comparisons connect (systems never compared left out). */
function comparisonGroups(tot: PairwiseTotals): number {
  const s = tot.systems;
  const grouped = new Uint8Array(s);
  let groups = 0;
  for (let start = 0; start < s; start++) {
    if (grouped[start]) continue;
    let compared = false;
    for (let j = 0; j < s; j++) if ((tot.n[start * s + j] as number) > 0) compared = true;
    if (!compared) continue;
    groups++;
    reach(tot, start, 'compared').forEach((r, j) => {
      if (r) grouped[j] = 1;
    });
  }
  return groups;
}

/**
 * Whether the maximum-likelihood estimate exists: the "scored against" graph (i → j when i has a
 * positive score against j) must be strongly connected over the systems that were compared.
 */
export function mleExists(
  tot: PairwiseTotals,
  base: number,
): { ok: true } | { ok: false; reason: string } {
  const s = tot.systems;
  // systems never compared, directly or through others, with the base's have no common scale
  const groups = comparisonGroups(tot);
  if (groups > 1)
    return {
      ok: false,
      reason: `the systems fall into ${groups} groups never compared with one another, so their scores have no common scale (compare at least one pair across groups)`,
    };
  const f = reach(tot, base, 'forward');
  const r = reach(tot, base, 'backward');
  for (let i = 0; i < s; i++) {
    if (!f[i] || !r[i]) {
      return {
        ok: false,
        reason:
          'some system won or lost every comparison against the rest (comparison graph not strongly connected): the maximum-likelihood scores are infinite',
      };
    }
  }
  return { ok: true };
}
