import { parseArgs } from 'node:util';
import {
  MINORITY_FACTOR,
  criticalValue,
  designEffect,
  expectedItemsHolding,
} from '../server/stats/cluster-wilson.ts';
import { createRng } from '../server/stats/rng.ts';
import { wilsonBounds } from '../server/stats/wilson.ts';
import { independentVariance } from '../server/stats/win-rate.ts';
import {
  LEVEL,
  bandReachable,
  betaSampler,
  cellSeed,
  drawStudy,
  cells,
  printCandidateTable,
  trueRate,
  type CandidateRow,
  type Cell,
} from './coverage-study.ts';

/**
 * The minority cap's spread exemption (server/stats/cluster-wilson.ts designEffect): the cap does
 * not apply when the side behind holds at least two verdicts, spread over at least θ times as many
 * items as random verdicts would be. This script compares, on the clustered cells of the coverage
 * grid with at most `--max-items` items and the same simulated studies as scripts/coverage-study.ts
 * (same seeds and draws), the default (θ = 1, at least 2 verdicts) with the cap applied always
 * (the default before) and the variants tried and dropped: the exemption from one verdict
 * (under 93% in 3–5 cells), θ = 0.8 and 0.6, and the ties' loosening 1/dᵖ at p = 1.5, 3 and 4
 * in place of 2. Run: `npx tsx scripts/coverage-spread.ts --replications 1000 --seed 1` (and
 * `--seed 2`); docs/statistics.md, "The minority cap", gives the table. About a minute each.
 * Every variant counts each item holding a verdict for the side behind as MINORITY_FACTOR items,
 * as the default did until HOLDER_FACTOR (issue 10's fourth pass), which this script predates.
 */
const { values } = parseArgs({
  options: {
    replications: { type: 'string', default: '1000' },
    'max-items': { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
  },
});
const R = Number(values.replications);
const maxItems = Number(values['max-items']);
const seed = Number(values.seed);

const VARIANTS = [
  { name: 'cap-always', theta: Infinity, minM: 0, dPow: 2 },
  { name: 'spread (default)', theta: 1, minM: 2, dPow: 2 },
  { name: 'spread-from-1', theta: 1, minM: 1, dPow: 2 },
  { name: 'spread-0.8', theta: 0.8, minM: 2, dPow: 2 },
  { name: 'spread-0.6', theta: 0.6, minM: 2, dPow: 2 },
  { name: 'spread-d1.5', theta: 1, minM: 2, dPow: 1.5 },
  { name: 'spread-d3', theta: 1, minM: 2, dPow: 3 },
  { name: 'spread-d4', theta: 1, minM: 2, dPow: 4 },
] as const;
type V = (typeof VARIANTS)[number]['name'];
const NAMES = VARIANTS.map((v) => v.name) as V[];

function simulate(c: Cell): Record<V, number> {
  const rng = createRng(cellSeed(c, seed));
  const beta = betaSampler(rng);
  const target = trueRate(c);
  const sums = new Float64Array(c.items);
  const counts = new Float64Array(c.items).fill(c.perItem);
  const wins = new Float64Array(c.items);
  const losses = new Float64Array(c.items);
  const decisive = new Float64Array(c.items);
  const hits = Object.fromEntries(NAMES.map((k) => [k, 0])) as Record<V, number>;
  for (let r = 0; r < R; r++) {
    const m = drawStudy(c, rng, beta, { sums, towardA: wins, towardB: losses });
    for (let i = 0; i < c.items; i++) decisive[i] = (wins[i] as number) + (losses[i] as number);
    const u = designEffect({ sums, counts }, m, 'uncapped').value!;
    const p = m.sum / m.weight;
    const independent = independentVariance(m);
    let ss = 0;
    for (let i = 0; i < c.items; i++) ss += ((sums[i] as number) - p * c.perItem) ** 2;
    const clustered = ((c.items / (c.items - 1)) * ss) / (m.weight * m.weight);
    const d = m.decisive / m.weight;
    const holding = new Map<number, number>();
    for (const x of decisive) holding.set(x, (holding.get(x) ?? 0) + 1);
    // the side behind's items L and verdicts M, and the items M random verdicts would reach
    const side = (of: Float64Array) => {
      let L = 0;
      let M = 0;
      for (const x of of) {
        if (x > 0) L++;
        M += x;
      }
      return { L, M, eL: M > 0 ? expectedItemsHolding(holding, M) : 0 };
    };
    const behind = p > 0.5 ? [side(losses)] : p < 0.5 ? [side(wins)] : [side(wins), side(losses)];
    // the rule these variants are built on: every item holding a verdict for the side behind
    // counts MINORITY_FACTOR (the default before HOLDER_FACTOR, DesignRule 'holders-full')
    const auto = designEffect(
      { sums, counts, towardA: wins, towardB: losses },
      m,
      'holders-full',
    ).value!;
    for (const v of VARIANTS) {
      let ne = u.effectiveN;
      let df = c.items - 1;
      if (!u.degenerate) {
        const capOf = ({ L, M, eL }: { L: number; M: number; eL: number }) =>
          d === 0 || (M >= v.minM && M > 0 && L >= v.theta * eL * (1 - 1e-9))
            ? Infinity
            : (c.items * (1 + MINORITY_FACTOR * L)) / d ** v.dPow;
        const cap = Math.min(...behind.map(capOf));
        const capped = ne > cap;
        if (capped) ne = cap;
        if (!capped && independent >= clustered * (1 - 1e-9)) df = m.n - 1;
      }
      const ci = wilsonBounds(p, ne, criticalValue(df, LEVEL));
      // the default variant is the production rule as it was then ('holders-full'), computed
      // here independently of it
      if (
        v.name === 'spread (default)' &&
        (Math.abs(ne - auto.effectiveN) > 1e-9 * ne || df !== auto.df)
      )
        throw new Error(
          `default variant disagrees with designEffect: ${ne} ${df} vs ${auto.effectiveN} ${auto.df}`,
        );
      if (ci[0] <= target && target <= ci[1]) hits[v.name]++;
    }
  }
  return Object.fromEntries(NAMES.map((k) => [k, hits[k] / R])) as Record<V, number>;
}

const started = Date.now();
const rows: CandidateRow<V>[] = [];
for (const c of cells()) {
  if (c.perItem === 1 || c.items > maxItems) continue;
  rows.push({ cell: c, reachable: bandReachable(c), cov: simulate(c) });
}
printCandidateTable(rows, NAMES, R);
console.log(
  `\n${rows.length} cells, ${R} replications, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
