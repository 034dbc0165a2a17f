/**
 * The adaptive-allocation simulation (issue 15): a study of `strengths.length` systems, all pairs,
 * verdicts drawn from Bradley–Terry at the given log-strengths, collected until every pair's 95%
 * interval (the penalised BT fit's, logit scale) is at most `target` wide on each side. Uniform
 * allocation hands the pairs out in rounds (each round every pair once, in a seeded random order);
 * adaptive allocation replans every `replanEvery` verdicts with `planAllocation`, the function the
 * queue uses (server/judging/allocation.ts). Used by the seeded script
 * (scripts/adaptive-allocation.ts) and the unit test.
 */
import { planAllocation, widestHalfWidth, type PairTotal } from './allocation.ts';
import { createRng } from './rng.ts';

export interface AllocationRun {
  /** Verdicts collected when the widest half-width first fell to the target (checked every round). */
  verdicts: number;
  widest: number;
}

export interface SimulationOptions {
  strengths: readonly number[];
  target: number;
  seed: number;
  mode: 'uniform' | 'adaptive';
  replanEvery?: number;
  maxVerdicts?: number;
}

function pairsOf(n: number): PairTotal[] {
  const pairs: PairTotal[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push({ i, j, score: 0, n: 0 });
  return pairs;
}

export function simulateAllocation(o: SimulationOptions): AllocationRun {
  const s = o.strengths.length;
  const totals = pairsOf(s);
  const P = totals.length;
  const rng = createRng(o.seed, o.mode === 'uniform' ? 'uniform' : 'adaptive');
  const outcomes = createRng(o.seed, 'outcomes');
  const replan = o.replanEvery ?? P;
  const max = o.maxVerdicts ?? 200_000;
  let queue: number[] = [];
  let n = 0;
  for (;;) {
    if (queue.length === 0) {
      if (o.mode === 'uniform') {
        queue = Array.from({ length: P }, (_, k) => k);
        for (let k = P - 1; k > 0; k--) {
          const r = rng.nextInt(k + 1);
          [queue[k], queue[r]] = [queue[r]!, queue[k]!];
        }
      } else {
        queue = planAllocation(s, totals, { picks: replan });
      }
    }
    const p = queue.shift()!;
    const t = totals[p]!;
    const d = (o.strengths[t.i] as number) - (o.strengths[t.j] as number);
    const win = outcomes.nextFloat() < 1 / (1 + Math.exp(-d)) ? 1 : 0;
    t.score += win;
    t.n += 1;
    n++;
    if (n % P === 0) {
      const widest = widestHalfWidth(s, totals);
      if (widest <= o.target || n >= max) return { verdicts: n, widest };
    }
  }
}
