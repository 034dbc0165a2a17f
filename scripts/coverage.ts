import { parseArgs } from 'node:util';
import {
  BAND,
  GRID,
  bandReachable,
  cells,
  clusteredCell,
  improbable,
  exactCell,
  type ExactStudies,
  type CellResult,
} from './coverage-study.ts';

/**
 * `npm run coverage`: the full coverage grid of docs/statistics.md (640 cells: intra-item
 * correlation × verdicts per item × items × rate × ties), seeded. One-verdict-per-item cells are
 * exact, and so are the clustered cells whose studies can be enumerated (coverage-study.ts
 * exactClusteredCell: 2 verdicts per item at 10 and 20 items, and at 100 without ties; 5 without
 * ties at 10 and 20 items; their bootstrap column simulated); the others are simulated with --replications studies each (Monte Carlo standard error
 * √(c(1 − c)/R): 0.49% at 0.95 with 2,000) and --rounds bootstrap rounds (0: no bootstrap). Prints a markdown table
 * and the cells that miss the targets (default interval ≥ 93% from 10 items; ≤ 97% where some
 * non-randomised interval can be inside 93–97%; the p-value rejecting ≤ 5% at rate 0.5).
 */
const { values } = parseArgs({
  options: {
    replications: { type: 'string', default: '1000' },
    /** Studies per cell with 1,000 items, which cost the most (default: --replications). */
    'replications-1000': { type: 'string' },
    rounds: { type: 'string', default: '400' },
    seed: { type: 'string', default: '1' },
    filter: { type: 'string' },
    /** Print the grid as docs/statistics.md shows it (one row per design, the rates across). */
    doc: { type: 'boolean', default: false },
  },
});
const replications = Number(values.replications);
const replications1000 = Number(values['replications-1000'] ?? values.replications);
const rounds = Number(values.rounds);
const seed = Number(values.seed);

const rows: string[] = [
  '| ties | icc | per item | items | rate | true | default | former boundary | uncapped | cap always | holders full | agresti–coull | items − 1 df | wilson (unclustered) | bootstrap | rejects at 0.5 | 93–97% reachable |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
];
const results: Array<CellResult & { reachable: boolean }> = [];
const started = Date.now();
const exactStudies = new Map<string, ExactStudies>();
for (const c of cells()) {
  if (values.filter && !values.filter.split(',').every((f) => cellMatches(c, f))) continue;
  const r =
    c.perItem === 1
      ? exactCell(c)
      : clusteredCell(
          c,
          {
            replications: c.items === 1000 ? replications1000 : replications,
            rounds,
            bootstrap: rounds > 0,
            seed,
          },
          exactStudies,
        );
  const reachable = bandReachable(c);
  results.push({ ...r, reachable });
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  rows.push(
    `| ${c.tieRate} | ${c.icc} | ${c.perItem} | ${c.items} | ${c.rate} | ${(c.tieRate / 2 + (1 - c.tieRate) * c.rate).toFixed(3)} | ${f(r.default)} | ${f(r.formerBoundary)} | ${f(r.uncapped)} | ${f(r.capAlways)} | ${f(r.holdersFull)} | ${f(r.agrestiCoull)} | ${f(r.itemsDf)} | ${f(r.wilson)} | ${f(r.bootstrap)} | ${c.rate === 0.5 && c.perItem > 1 ? f(r.rejects) : '—'} | ${reachable ? 'yes' : 'no'} |`,
  );
}
console.log(values.doc ? docTable(results).join('\n') : rows.join('\n'));
const misses = results.filter(
  (r) =>
    r.default < BAND[0] ||
    (r.reachable && r.default > BAND[1]) ||
    (r.cell.rate === 0.5 && r.cell.perItem > 1 && r.rejects > 1 - 0.95),
);
console.log(
  `\n${results.length} cells, ${replications} replications (clustered; ${replications1000} with 1,000 items), ${rounds} bootstrap rounds, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log(`cells outside the targets (before Monte Carlo error): ${misses.length}`);
// beyond Monte Carlo error, as test/unit/stats/coverage-grid.test.ts counts them
const KINDS = ['one verdict', 'exact clustered', 'simulated'] as const;
const kind = (r: CellResult) =>
  r.cell.perItem === 1
    ? 'one verdict'
    : r.replications === 'exact'
      ? 'exact clustered'
      : 'simulated';
const count = (rs: CellResult[]) =>
  KINDS.map((k) => `${rs.filter((r) => kind(r) === k).length} ${k}`).join(', ');
const under = results.filter((r) => improbable(r, r.default, BAND[0], 'below'));
const over = results.filter((r) => r.reachable && improbable(r, r.default, BAND[1], 'above'));
const lowest = (k: string) => {
  const of = results.filter((r) => kind(r) === k).map((r) => r.default);
  return of.length === 0 ? '—' : Math.min(...of).toFixed(3);
};
console.log(
  `beyond Monte Carlo error: under 93% ${under.length} (${count(under)}); over 97% where reachable ${over.length} (${count(over)}); lowest ${KINDS.map((k) => `${k} ${lowest(k)}`).join(', ')}`,
);
for (const r of misses)
  console.log(
    `  icc ${r.cell.icc} · ${r.cell.perItem}/item · ${r.cell.items} items · rate ${r.cell.rate} · ties ${r.cell.tieRate}: default ${r.default.toFixed(3)}, rejects ${r.rejects.toFixed(3)}, reachable ${r.reachable}`,
  );

function cellMatches(c: ReturnType<typeof cells>[number], f: string): boolean {
  const [k, v] = f.split('=');
  return String(c[k as keyof typeof c]) === v;
}

/**
 * The grid as docs/statistics.md prints it: one row per design (ties, ICC, verdicts per item,
 * items), each rate's cell as default / plain Wilson / bootstrap, † where no non-randomised
 * interval can be inside 93–97%, * where a clustered cell is exact; then the p-value's size at ½.
 */
function docTable(results: Array<CellResult & { reachable: boolean }>): string[] {
  const f = (x: number | null) => (x === null ? '–' : x.toFixed(3));
  const out = [
    `| ties | ICC | per item | items | ${GRID.rates.map((r) => `p = ${r}`).join(' | ')} | p < .05 at ½ |`,
    `| ---: | --: | -------: | ----: | ${GRID.rates.map(() => ':---:').join(' | ')} | -----------: |`,
  ];
  const designs = new Map<string, Array<CellResult & { reachable: boolean }>>();
  for (const r of results) {
    const { tieRate, icc, perItem, items } = r.cell;
    const key = `| ${tieRate} | ${icc} | ${perItem} | ${items} |`;
    designs.set(key, [...(designs.get(key) ?? []), r]);
  }
  for (const [key, rs] of designs) {
    const cellsText = rs.map((r) => {
      const exact = r.cell.perItem > 1 && r.replications === 'exact';
      const marks = `${r.reachable ? '' : '†'}${exact ? '*' : ''}`;
      return `${f(r.default)}${marks} / ${f(r.wilson)} / ${f(r.bootstrap)}`;
    });
    const atHalf = rs.find((r) => r.cell.rate === 0.5);
    const size = atHalf && atHalf.cell.perItem > 1 ? f(atHalf.rejects) : '–';
    out.push(`${key} ${cellsText.join(' | ')} | ${size} |`);
  }
  return out;
}
