import { describe, expect, it } from 'vitest';
import {
  BAND,
  bandReachable,
  cellKey,
  cells,
  clusteredCell,
  exactCell,
  improbable,
  type CellResult,
  type ExactStudies,
} from '../../../scripts/coverage-study.ts';

/**
 * The widened coverage grid of issue 10 (docs/statistics.md, "Coverage over the whole grid"):
 * intra-item correlation 0, 0.2, 0.5, 0.8 × verdicts per item 1, 2, 5, 20 × items 10, 20, 100,
 * 1,000 × rates 0.5, 0.7, 0.86, 0.95, 0.97 × no ties or a tie rate of 0.2 (640 cells, seeded).
 * One verdict per item is exact, and so is every clustered cell whose distinct studies number at
 * most EXACT_CLUSTERED_MAX (2 verdicts per item at 10 and 20 items, and at 100 without ties; 5
 * without ties at 10 and 20 items: coverage-study.ts exactClusteredCell; their bootstrap column
 * is simulated). The other clustered cells are simulated with REPS studies (30 with 1,000
 * items, which cost the most); the Monte Carlo standard error of a coverage near 0.95 is 1.09% at
 * 400 and 4.0% at 30, so a cell misses a target only when its count is improbable under it
 * (binomial tail < 0.001). `npm run coverage` runs the same grid with 1,000 replications
 * (0.69%): its table is the one in docs/statistics.md.
 */
const REPS = 400;
const REPS_1000 = 30;
const ROUNDS = 200;

describe('coverage of the default interval over the widened grid', () => {
  it(
    'prints the grid, and meets the targets where the study says they are met',
    { timeout: 300_000 },
    () => {
      const results: Array<CellResult & { reachable: boolean }> = [];
      const exact = new Map<string, CellResult>();
      const exactStudies = new Map<string, ExactStudies>();
      for (const c of cells()) {
        let r: CellResult;
        if (c.perItem === 1) {
          // the item spread does not matter with one verdict per item: compute once
          const key = `${c.items}/${c.rate}/${c.tieRate}`;
          r = exact.get(key) ?? exactCell(c);
          exact.set(key, r);
          r = { ...r, cell: c };
        } else {
          r = clusteredCell(
            c,
            {
              replications: c.items === 1000 ? REPS_1000 : REPS,
              rounds: ROUNDS,
              bootstrap: c.items <= 20,
              seed: 1,
            },
            exactStudies,
          );
        }
        results.push({ ...r, reachable: bandReachable(c) });
      }
      console.table(
        results.map((r) => ({
          ties: r.cell.tieRate,
          icc: r.cell.icc,
          'per item': r.cell.perItem,
          items: r.cell.items,
          rate: r.cell.rate,
          default: r.default.toFixed(3),
          'former boundary': r.formerBoundary.toFixed(3),
          uncapped: r.uncapped.toFixed(3),
          'cap always': r.capAlways.toFixed(3),
          'holders full': r.holdersFull.toFixed(3),
          'items − 1 df': r.itemsDf.toFixed(3),
          wilson: r.wilson.toFixed(3),
          bootstrap: r.bootstrap === null ? '' : r.bootstrap.toFixed(3),
          'p < .05 at 0.5': r.cell.rate === 0.5 && r.cell.perItem > 1 ? r.rejects.toFixed(3) : '',
          reachable: r.reachable ? 'yes' : 'no',
        })),
      );
      const below = results.filter((r) => improbable(r, r.default, BAND[0], 'below'));
      const above = results.filter(
        (r) => r.reachable && improbable(r, r.default, BAND[1], 'above'),
      );
      const liberal = results.filter(
        (r) => r.cell.rate === 0.5 && r.cell.perItem > 1 && improbable(r, r.rejects, 0.05, 'above'),
      );
      const list = (rs: CellResult[]) =>
        rs.map((r) => `  ${cellKey(r.cell)}: ${r.default.toFixed(3)}`);
      console.log(
        [
          `below 93%: ${below.length}`,
          ...list(below),
          `above 97% where some interval could be inside 93-97%: ${above.length}`,
          ...list(above),
          `p-value rejecting more than 5% at a rate of 0.5: ${liberal.length}`,
        ].join('\n'),
      );
      // The p-value (the test dual to the interval) holds its level in every clustered cell.
      expect(liberal.map((r) => cellKey(r.cell))).toEqual([]);
      // The boundary rule (n_eff = items when all verdicts agree) only widens: never worse than
      // the former n_eff = verdicts, and it lifts 10 items × 20 verdicts at ICC 0.5 and a rate of
      // 0.97 from 0.58 to 0.97 (issue 10 point 2: 62% through the CLI).
      for (const r of results) expect(r.default).toBeGreaterThanOrEqual(r.formerBoundary);
      const allWins = results.find(
        (r) => cellKey(r.cell) === 'icc 0.5 · 20/item · 10 items · rate 0.97 · ties 0',
      )!;
      expect(allWins.formerBoundary).toBeLessThan(0.7);
      expect(allWins.default).toBeGreaterThan(0.93);
      // The minority cap (cluster-wilson.ts) only widens: on the same simulated studies the cap
      // at items − 1 degrees of freedom covers at least what the former default covered, and
      // the default (the cap, with the verdicts' degrees of freedom where the independence floor
      // is the variance used) lifts the strongly clustered cells a 10-20-item study reaches, the
      // worst from 0.725 to over 93%.
      for (const r of results)
        if (r.cell.perItem > 1) expect(r.itemsDf).toBeGreaterThanOrEqual(r.uncapped);
      const worst = results.find(
        (r) => cellKey(r.cell) === 'icc 0.8 · 20/item · 10 items · rate 0.95 · ties 0.2',
      )!;
      expect(worst.uncapped).toBeLessThan(0.75);
      expect(worst.default).toBeGreaterThan(0.93);
      // The cap's spread exemption (cluster-wilson.ts) lifts the cap where the side behind holds
      // at least two verdicts spread over items as random ones would be: with independent verdicts
      // (ICC 0), 20 on each of 10 items at 0.97 with ties, the cap alone covered 1.000 and the
      // default covers 0.980, within Monte Carlo error of 97% at 400 studies; the exemption takes
      // 35 cells of this run out of "over 97%" without putting any under 93% (`below` is empty,
      // asserted below; 7 before HOLDER_FACTOR, when the cap it lifts was looser).
      const independent = results.find(
        (x) => cellKey(x.cell) === 'icc 0 · 20/item · 10 items · rate 0.97 · ties 0.2',
      )!;
      expect(independent.capAlways).toBe(1);
      expect(independent.default).toBe(0.98);
      expect(improbable(independent, independent.default, BAND[1], 'above')).toBe(false);
      const overCapAlways = results.filter(
        (r) => r.reachable && improbable(r, r.capAlways, BAND[1], 'above'),
      );
      expect(overCapAlways.length - above.length).toBe(35);
      // Where the default misses 93-97% (docs/statistics.md, "Where the targets are not met"), each
      // cell with its figure (seeded, so exact to the printed digits). Under 93%: none. With one
      // verdict per item the default is Agresti-Coull by added verdicts; Wilson, a former default, was under in
      // four distinct cells (0.914-0.925, asserted below). Over 97% where reachable: one verdict
      // per item (Agresti-Coull's discreteness: 0.975 at 20 items and 0.7, and by added verdicts 0.972
      // at 10 items and 0.7 with ties, where Agresti-Coull on n_eff covered 0.940 and instead
      // missed 20 items at 0.97 with ties, 0.971;
      // its 0.979 at 10 items and 0.5 is no miss, as no interval symmetric in the two systems can
      // cover 1/2 inside 93-97% there); clustered cells at 10-20 items computed exactly, where
      // the default is conservative at 0.970-0.988 (the items' t quantile, the all-agree rule and
      // the cap, which protect the strongly clustered cells, cost the weakly clustered ones; a
      // simulated cell passes the Monte Carlo test up to 0.985 at 1,000 studies and 0.992 at 400,
      // so most were not flagged before they were computed exactly); and the price of the cap in simulated cells with ties
      // at 10-20 items and high rates, where studies whose decisive verdicts all went one way are
      // common.
      const figures = (rs: CellResult[]) =>
        Object.fromEntries(rs.map((r) => [cellKey(r.cell), Number(r.default.toFixed(3))]));
      expect(figures(below)).toEqual({});
      expect(figures(above)).toEqual(
        Object.fromEntries([
          ['icc 0 · 1/item · 20 items · rate 0.7 · ties 0', 0.975],
          ['icc 0 · 2/item · 10 items · rate 0.5 · ties 0', 0.976],
          ['icc 0 · 2/item · 10 items · rate 0.7 · ties 0', 0.979],
          ['icc 0 · 2/item · 10 items · rate 0.86 · ties 0', 0.988],
          ['icc 0 · 2/item · 20 items · rate 0.86 · ties 0', 0.982],
          ['icc 0 · 5/item · 10 items · rate 0.5 · ties 0', 0.977],
          ['icc 0 · 5/item · 10 items · rate 0.7 · ties 0', 0.973],
          ['icc 0 · 5/item · 10 items · rate 0.95 · ties 0', 0.974],
          ['icc 0 · 5/item · 20 items · rate 0.95 · ties 0', 0.981],
          ['icc 0 · 5/item · 20 items · rate 0.97 · ties 0', 0.983],
          ['icc 0.2 · 1/item · 20 items · rate 0.7 · ties 0', 0.975],
          ['icc 0.2 · 2/item · 10 items · rate 0.5 · ties 0', 0.974],
          ['icc 0.2 · 2/item · 10 items · rate 0.7 · ties 0', 0.972],
          ['icc 0.2 · 2/item · 10 items · rate 0.86 · ties 0', 0.986],
          ['icc 0.2 · 2/item · 20 items · rate 0.86 · ties 0', 0.979],
          ['icc 0.2 · 5/item · 10 items · rate 0.95 · ties 0', 0.98],
          ['icc 0.2 · 5/item · 10 items · rate 0.97 · ties 0', 0.98],
          ['icc 0.2 · 5/item · 20 items · rate 0.95 · ties 0', 0.975],
          ['icc 0.2 · 5/item · 20 items · rate 0.97 · ties 0', 0.975],
          ['icc 0.5 · 1/item · 20 items · rate 0.7 · ties 0', 0.975],
          ['icc 0.5 · 2/item · 10 items · rate 0.5 · ties 0', 0.977],
          ['icc 0.5 · 2/item · 10 items · rate 0.86 · ties 0', 0.986],
          ['icc 0.5 · 2/item · 10 items · rate 0.95 · ties 0', 0.975],
          ['icc 0.5 · 2/item · 20 items · rate 0.86 · ties 0', 0.976],
          ['icc 0.5 · 5/item · 10 items · rate 0.7 · ties 0', 0.976],
          ['icc 0.5 · 5/item · 10 items · rate 0.95 · ties 0', 0.976],
          ['icc 0.5 · 5/item · 10 items · rate 0.97 · ties 0', 0.973],
          ['icc 0.5 · 5/item · 20 items · rate 0.95 · ties 0', 0.971],
          ['icc 0.8 · 1/item · 20 items · rate 0.7 · ties 0', 0.975],
          ['icc 0.8 · 2/item · 10 items · rate 0.5 · ties 0', 0.975],
          ['icc 0.8 · 2/item · 10 items · rate 0.86 · ties 0', 0.987],
          ['icc 0.8 · 2/item · 10 items · rate 0.95 · ties 0', 0.982],
          ['icc 0.8 · 2/item · 20 items · rate 0.86 · ties 0', 0.974],
          ['icc 0.8 · 2/item · 20 items · rate 0.95 · ties 0', 0.974],
          ['icc 0.8 · 5/item · 10 items · rate 0.5 · ties 0', 0.976],
          ['icc 0.8 · 5/item · 10 items · rate 0.7 · ties 0', 0.983],
          ['icc 0.8 · 5/item · 10 items · rate 0.86 · ties 0', 0.975],
          ['icc 0.8 · 5/item · 10 items · rate 0.95 · ties 0', 0.979],
          ['icc 0.8 · 5/item · 20 items · rate 0.86 · ties 0', 0.97],
          ['icc 0.8 · 5/item · 20 items · rate 0.95 · ties 0', 0.971],
          ['icc 0 · 1/item · 10 items · rate 0.7 · ties 0.2', 0.972],
          ['icc 0 · 2/item · 10 items · rate 0.5 · ties 0.2', 0.975],
          ['icc 0 · 2/item · 10 items · rate 0.7 · ties 0.2', 0.977],
          ['icc 0 · 2/item · 10 items · rate 0.86 · ties 0.2', 0.985],
          ['icc 0 · 2/item · 10 items · rate 0.95 · ties 0.2', 0.982],
          ['icc 0 · 2/item · 10 items · rate 0.97 · ties 0.2', 0.982],
          ['icc 0 · 2/item · 20 items · rate 0.95 · ties 0.2', 0.977],
          ['icc 0 · 2/item · 20 items · rate 0.97 · ties 0.2', 0.978],
          ['icc 0.2 · 1/item · 10 items · rate 0.7 · ties 0.2', 0.972],
          ['icc 0.2 · 2/item · 10 items · rate 0.7 · ties 0.2', 0.973],
          ['icc 0.2 · 2/item · 10 items · rate 0.86 · ties 0.2', 0.985],
          ['icc 0.2 · 2/item · 10 items · rate 0.95 · ties 0.2', 0.984],
          ['icc 0.2 · 2/item · 10 items · rate 0.97 · ties 0.2', 0.984],
          ['icc 0.2 · 2/item · 20 items · rate 0.95 · ties 0.2', 0.978],
          ['icc 0.2 · 2/item · 20 items · rate 0.97 · ties 0.2', 0.979],
          ['icc 0.2 · 5/item · 20 items · rate 0.95 · ties 0.2', 0.998],
          ['icc 0.2 · 20/item · 10 items · rate 0.97 · ties 0.2', 0.995],
          ['icc 0.5 · 1/item · 10 items · rate 0.7 · ties 0.2', 0.972],
          ['icc 0.5 · 2/item · 10 items · rate 0.7 · ties 0.2', 0.972],
          ['icc 0.5 · 2/item · 10 items · rate 0.86 · ties 0.2', 0.985],
          ['icc 0.5 · 2/item · 10 items · rate 0.95 · ties 0.2', 0.985],
          ['icc 0.5 · 2/item · 10 items · rate 0.97 · ties 0.2', 0.985],
          ['icc 0.5 · 2/item · 20 items · rate 0.95 · ties 0.2', 0.979],
          ['icc 0.5 · 2/item · 20 items · rate 0.97 · ties 0.2', 0.98],
          ['icc 0.5 · 20/item · 10 items · rate 0.97 · ties 0.2', 0.998],
          ['icc 0.8 · 1/item · 10 items · rate 0.7 · ties 0.2', 0.972],
          ['icc 0.8 · 2/item · 10 items · rate 0.7 · ties 0.2', 0.977],
          ['icc 0.8 · 2/item · 10 items · rate 0.86 · ties 0.2', 0.986],
          ['icc 0.8 · 2/item · 10 items · rate 0.95 · ties 0.2', 0.986],
          ['icc 0.8 · 2/item · 10 items · rate 0.97 · ties 0.2', 0.986],
          ['icc 0.8 · 2/item · 20 items · rate 0.95 · ties 0.2', 0.98],
          ['icc 0.8 · 2/item · 20 items · rate 0.97 · ties 0.2', 0.981],
          ['icc 0.8 · 5/item · 20 items · rate 0.95 · ties 0.2', 0.995],
          ['icc 0.8 · 5/item · 20 items · rate 0.97 · ties 0.2', 0.995],
          ['icc 0.8 · 20/item · 10 items · rate 0.97 · ties 0.2', 0.995],
          ['icc 0.8 · 20/item · 20 items · rate 0.97 · ties 0.2', 1],
        ]),
      );
      // Wilson, the one-verdict default before: exact coverage under 93% in four distinct cells.
      const oneVerdictWilsonUnder = results.filter(
        (r) => r.cell.perItem === 1 && r.uncapped < BAND[0],
      );
      expect(
        new Set(
          oneVerdictWilsonUnder.map(
            (r) => `${r.cell.items}/${r.cell.rate}/${r.cell.tieRate}: ${r.uncapped.toFixed(3)}`,
          ),
        ),
      ).toEqual(
        new Set(['10/0.7/0: 0.924', '10/0.95/0: 0.914', '20/0.95/0: 0.925', '10/0.7/0.2: 0.924']),
      );
      // Agresti-Coull with one verdict per item (exact): at least 93% in every cell of the grid
      // from 10 items, the target Wilson misses in four; over 97% in two cells where reachable.
      const oneVerdict = results.filter((r) => r.cell.perItem === 1);
      expect(Math.min(...oneVerdict.map((r) => r.agrestiCoull))).toBeGreaterThanOrEqual(0.93);
      const acAbove = oneVerdict.filter((r) => r.reachable && r.agrestiCoull > BAND[1]);
      expect(
        new Set(acAbove.map((r) => `${r.cell.items}/${r.cell.rate}/${r.cell.tieRate}`)),
      ).toEqual(new Set(['20/0.7/0', '20/0.97/0.2']));
    },
  );
  it(
    'holds 93% in the strongly clustered cells the 400-study run cannot resolve (10,000 studies each)',
    { timeout: 120_000 },
    () => {
      // At 400 (or 1,000) studies a cell covering 0.914 is not improbable under 93%, so the grid
      // run above passed the minority cap as it was (every item holding a verdict for the side
      // behind counted MINORITY_FACTOR, 'holders-full'). Simulated at 20,000 studies these cells
      // covered 0.914 and 0.920 under it (docs/statistics.md, "The minority cap"). At 10,000
      // (standard error 0.26% at 0.93) that rule is improbably under 93% in each, and the default,
      // which counts an item where the side behind is outnumbered as HOLDER_FACTOR, is not.
      const keys = [
        'icc 0.5 · 20/item · 20 items · rate 0.86 · ties 0.2',
        'icc 0.5 · 20/item · 100 items · rate 0.97 · ties 0',
      ];
      const figures = keys.map((key) => {
        const c = cells().find((x) => cellKey(x) === key)!;
        const r = clusteredCell(c, { replications: 10_000, rounds: 0, bootstrap: false, seed: 1 });
        expect(r.replications).toBe(10_000);
        return {
          key,
          holdersFull: r.holdersFull,
          default: r.default,
          holdersFullUnder: improbable(r, r.holdersFull, BAND[0], 'below'),
          defaultUnder: improbable(r, r.default, BAND[0], 'below'),
        };
      });
      console.table(figures);
      for (const f of figures) {
        expect(f.holdersFullUnder, f.key).toBe(true);
        expect(f.defaultUnder, f.key).toBe(false);
        expect(f.default, f.key).toBeGreaterThan(f.holdersFull);
      }
    },
  );
});
