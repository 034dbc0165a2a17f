import {
  type PairStats,
  type Report,
  levelPercent,
  missingRankingCi,
} from '../../shared/report.ts';

/** One row per pair × breakdown group, the shape of the csv/markdown/latex/table formats. */
export interface StatsRow {
  a: string;
  b: string;
  breakdown: 'overall' | 'axis' | 'judge_kind' | 'modality' | 'judge';
  group: string;
  stats: PairStats;
}

export function statsRows(report: Report, options: { judges?: boolean } = {}): StatsRow[] {
  const rows: StatsRow[] = [];
  for (const p of report.pairs) {
    rows.push({ a: p.a, b: p.b, breakdown: 'overall', group: '', stats: p });
    const add = (breakdown: StatsRow['breakdown'], groups: Record<string, PairStats>) => {
      for (const [group, stats] of Object.entries(groups))
        rows.push({ a: p.a, b: p.b, breakdown, group, stats });
    };
    add('axis', p.byAxis);
    add('judge_kind', p.byJudgeKind);
    add('modality', p.byModality);
    if (options.judges !== false) add('judge', p.byJudge);
  }
  return rows;
}

/**
 * The most decimals (of a percentage) a figure gets when fewer would misstate it: a bound within
 * 5e-11 of ½ (reached with fractional scores) prints as 50 only at 8 decimals; with 4 a bound
 * 1.5e-7 under ½ printed "50.0000" beside p = 0.0500005. More would print floating-point noise.
 */
const MAX_PERCENT_DIGITS = 8;

/**
 * The decimals, from `min`, at which percentages print what they are: no value off 0, ½ or 1
 * prints as 0, 50 or 100 (an interval [0.50005, 0.57] printed "50.0–57.0%" beside p = 0.0497 read
 * as a contradiction, and 19,997 wins of 20,000 as "100.0%"), and two different values (an
 * interval's ends) print differently.
 */
export function percentDigits(values: readonly number[], min = 1): number {
  for (let d = min; d < MAX_PERCENT_DIGITS; d++) {
    const printed = values.map((v) => Number((v * 100).toFixed(d)));
    const misstated = values.some((v, k) =>
      [0, 50, 100].some((mark) => v * 100 !== mark && printed[k] === mark),
    );
    const merged = values.some((v, k) =>
      values.some((w, j) => j > k && v !== w && printed[k] === printed[j]),
    );
    if (!misstated && !merged) return d;
  }
  return MAX_PERCENT_DIGITS;
}

/** A rate in percent, without the sign: one decimal, more when one would misstate it. */
export function percent(x: number, digits = percentDigits([x])): string {
  return (x * 100).toFixed(digits);
}

/** An interval's ends in percent, without the sign: printed apart, on their side of 0, ½ and 1. */
export function percentEnds(ci: readonly [number, number], digits = percentDigits(ci)): string[] {
  return ci.map((x) => percent(x, digits));
}

export function pct(x: number | null, digits?: number): string {
  return x === null ? '—' : `${percent(x, digits)}%`;
}

export function ciText(ci: readonly [number, number] | null, digits?: number): string {
  return ci === null ? '—' : `${percentEnds(ci, digits).join('–')}%`;
}

/**
 * `p` to `decimals` decimals, or more when the rounded figure would sit on the other side of
 * `alpha` (0.0497 to three decimals is 0.050, which reads as not significant beside an interval
 * that excludes ½).
 */
export function pFixed(p: number, decimals: number, alphaGiven: number): string {
  // 1 − 0.95 is 0.050000000000000044, under which 0.050 would pass for significant
  const alpha = Number(alphaGiven.toPrecision(12));
  let d = decimals;
  while (d < 12 && Number(p.toFixed(d)) < alpha !== p < alpha) d++;
  return p.toFixed(d);
}

/** A p-value for text: four decimals, an exponent under 1e-4, sided as pFixed keeps it. */
export function pText(p: number | null, alpha = 0.05): string {
  if (p === null) return '—';
  // far enough below, a p-value underflows to 0, which is not its value: a bound is
  if (p < 1e-300) return '< 1e-300';
  if (p < 1e-4) return p.toExponential(1);
  return pFixed(p, 4, alpha);
}

export function num(x: number | null, digits = 3): string {
  return x === null ? '—' : x.toFixed(digits);
}

export function label(row: StatsRow): string {
  return row.breakdown === 'overall'
    ? 'overall'
    : `${row.breakdown.replace('_', ' ')}: ${row.group}`;
}

/** How a paper names the test behind a p-value (each the dual of its interval, docs/statistics.md). */
export const P_TEST_NAMES: Record<PairStats['pTest'], string> = {
  'score-z': 'score test',
  'score-t': 'clustered score test (t)',
  'agresti-coull': 'Agresti–Coull test',
  exact: 'exact binomial test on the effective sample size',
  wald: 'Wald test',
  bootstrap: 'bootstrap test',
};

/** "1 verdict", "1,204 verdicts". */
const count = (n: number, noun: string) =>
  `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/** The sentence a paper needs, e.g. "sft was preferred in 86.1% of 1,204 comparisons (95% CI 84.0–88.0%)". */
export function headline(report: Report): string[] {
  // a study nobody has judged yet: say so once, above the empty tables every format still shows
  if (report.pairs.length === 0) return ['no verdicts yet: every figure below is empty'];
  return report.pairs.map((p) => {
    const level = levelPercent(report.ci.level);
    // with ties excluded a pair judged all ties has verdicts, none of them decisive
    if (p.winRate === null)
      return p.ties > 0
        ? `${p.a} vs ${p.b}: no decisive verdicts (${count(p.ties, 'tie')}, excluded)`
        : `${p.a} vs ${p.b}: no verdicts`;
    return `${p.a} was preferred over ${p.b} in ${pct(p.winRate)} of ${count(p.n, 'verdict')} (${level}% CI ${ciText(p.ci)}, ${p.ciMethod}; ties ${report.ties}; ${P_TEST_NAMES[p.pTest]} p = ${pText(p.pValue, 1 - report.ci.level)})`;
  });
}

/** A header and text cells, spread into each format's own grid: `grid(...pairStatsTable(r, p))`. */
export type TextTable = [header: string[], rows: string[][]];

/** One pair's figures, overall and per breakdown, as every format shows them. */
export function pairStatsTable(report: Report, pair: Report['pairs'][number]): TextTable {
  const level = levelPercent(report.ci.level);
  return [
    ['', 'n', 'wins', 'losses', 'ties', 'win rate', `${level}% CI`, 'method', 'p', 'test'],
    statsRows({ ...report, pairs: [pair] }).map((r) => [
      label(r),
      String(r.stats.n),
      String(r.stats.wins),
      String(r.stats.losses),
      String(r.stats.ties),
      pct(r.stats.winRate),
      ciText(r.stats.ci),
      r.stats.ciMethod,
      pText(r.stats.pValue, 1 - report.ci.level),
      r.stats.pTest,
    ]),
  ];
}

/** The ranking, one row per system; `to` joins the interval's ends. */
export function rankingTable(report: Report, to: string): TextTable {
  const level = levelPercent(report.ci.level);
  return [
    ['system', 'score', `${level}% CI`, 'verdicts'],
    report.ranking.map((e) => [
      e.system,
      num(e.score),
      e.ci ? `${num(e.ci[0])}${to}${num(e.ci[1])}` : missingRankingCi(report, e),
      String(e.n),
    ]),
  ];
}

/** A figure that may be null: its value, or a dash with the reason. */
export function figText(x: { value: number | null; reason?: string }): string {
  return x.value === null ? `— (${x.reason})` : num(x.value);
}
