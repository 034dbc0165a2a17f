import { pathToFileURL } from 'node:url';
import { patterns, profileInterval } from './coverage-profile.ts';
import type { Interval } from '../server/stats/figure.ts';
import { addLean, addScore, emptyMoments } from '../server/stats/moments.ts';
import { summarizePair } from '../server/stats/pair-summary.ts';
import { createRng } from '../server/stats/rng.ts';

/**
 * Is the default interval monotone in the verdicts? Over every distinct study of a design small
 * enough to enumerate (`items` items with `perItem` verdicts each, as multisets of item outcomes),
 * each study is compared with every study one verdict better: one item's loss turned into a tie
 * (into a win without ties) or its tie into a win. A monotone interval never lowers a bound then,
 * and its p-value, for a study already leaning to a, never rises. docs/statistics.md
 * ("Monotone in the verdicts") gives the figures; `npx tsx scripts/coverage-monotone.ts` prints
 * them, and test/unit/stats/monotone.test.ts asserts them.
 */
export interface MonotoneReport {
  design: string;
  studies: number;
  /** Pairs (study, study one verdict better). */
  pairs: number;
  /** Pairs where a bound of the better study is lower (by more than 1e-12). */
  boundFalls: number;
  /** The largest such fall. */
  worstFall: number;
  /** Pairs leaning to a (rate > ½) where the better study's p-value is higher (by > 1e-9 relative). */
  pRises: number;
  /** The largest ratio of the better study's p-value to the other's. */
  worstRatio: number;
  /** The worst fall's two studies, as item outcomes "wins/ties/losses × items". */
  example: string;
}

type Pattern = readonly [w: number, t: number, l: number];

export function monotoneReport(items: number, perItem: number, ties: boolean): MonotoneReport {
  const pats: Pattern[] = [];
  for (let t = 0; t <= (ties ? perItem : 0); t++)
    for (let w = 0; w <= perItem - t; w++) pats.push([w, t, perItem - w - t]);
  const index = new Map(pats.map((p, i) => [p.join('/'), i]));
  const studies: number[][] = [];
  const visit = (j: number, left: number, cur: number[]) => {
    if (j === pats.length - 1) studies.push([...cur, left]);
    else for (let k = 0; k <= left; k++) visit(j + 1, left - k, [...cur, k]);
  };
  visit(0, items, []);
  const summaries = new Map(studies.map((c) => [c.join(','), summarize(c, pats, perItem)]));
  const describe = (c: number[]) =>
    c.flatMap((k, q) => (k > 0 ? [`${pats[q]!.join('/')}×${k}`] : [])).join(' ');
  const out: MonotoneReport = {
    design: `${items} items × ${perItem}/item${ties ? ', ties' : ''}`,
    studies: studies.length,
    pairs: 0,
    boundFalls: 0,
    worstFall: 0,
    pRises: 0,
    worstRatio: 1,
    example: '',
  };
  for (const c of studies) {
    const x = summaries.get(c.join(','))!;
    c.forEach((k, q) => {
      if (k === 0) return;
      const [w, t, l] = pats[q]!;
      const steps: Pattern[] = [];
      if (l > 0) steps.push(ties ? [w, t + 1, l - 1] : [w + 1, t, l - 1]);
      if (t > 0) steps.push([w + 1, t - 1, l]);
      for (const step of steps) {
        const d = [...c];
        d[q]!--;
        d[index.get(step.join('/'))!]!++;
        const y = summaries.get(d.join(','))!;
        out.pairs++;
        const fall = Math.max(x.ci[0] - y.ci[0], x.ci[1] - y.ci[1]);
        if (fall > 1e-12) {
          out.boundFalls++;
          if (fall > out.worstFall) {
            out.worstFall = fall;
            out.example = `${describe(c)} [${x.ci.map((b) => b.toFixed(3)).join(', ')}] → ${describe(d)} [${y.ci.map((b) => b.toFixed(3)).join(', ')}]`;
          }
        }
        if (x.rate > 0.5 && y.p > x.p * (1 + 1e-9) + 1e-300) {
          out.pRises++;
          out.worstRatio = Math.max(out.worstRatio, y.p / x.p);
        }
      }
    });
  }
  return out;
}

/** The default's interval, p-value and rate for one study (counts of items per pattern). */
function summarize(counts: number[], pats: Pattern[], perItem: number) {
  const items = counts.reduce((a, b) => a + b, 0);
  const m = emptyMoments();
  const sums = new Float64Array(items);
  const cnt = new Float64Array(items).fill(perItem);
  const towardA = new Float64Array(items);
  const towardB = new Float64Array(items);
  let i = 0;
  counts.forEach((k, q) => {
    const [w, t, l] = pats[q]!;
    for (let r = 0; r < k; r++, i++)
      for (const [score, times] of [
        [1, w],
        [0.5, t],
        [0, l],
      ] as const)
        for (let v = 0; v < times; v++) {
          addScore(m, score, 'half');
          addLean(towardA, towardB, i, score);
          sums[i] = (sums[i] as number) + score;
        }
  });
  const s = summarizePair(
    m,
    { sums, counts: cnt, towardA, towardB },
    { ties: 'half', level: 0.95, rounds: 0, rng: () => createRng(0), ci: 'auto' },
  );
  return { ci: s.ci.value!, p: s.pValue.value!, rate: s.winRate.value! };
}

/**
 * Four studies of 10 items × 5 verdicts without ties, near all wins: the default's interval and
 * p-value beside the beta-binomial profile-likelihood interval at z (scripts/coverage-profile.ts,
 * the item rates' spread profiled out), which is not monotone either when the correlation is
 * unknown, but by less.
 */
export function nearUnanimous(): Array<{
  study: string;
  ci: Interval;
  p: number;
  profile: Interval;
}> {
  const pats: Pattern[] = [0, 1, 2, 3, 4, 5].map((w) => [w, 0, 5 - w] as const);
  const studies: Array<[string, number[]]> = [
    ['50 wins of 50', [0, 0, 0, 0, 0, 10]],
    ['49 of 50 (one item 4/5)', [0, 0, 0, 0, 1, 9]],
    ['48 of 50 (two items 4/5)', [0, 0, 0, 0, 2, 8]],
    ['48 of 50 (one item 3/5)', [0, 0, 0, 1, 0, 9]],
  ];
  const work = Array.from({ length: 4 }, () => new Float64Array(64));
  return studies.map(([study, counts]) => {
    const wins = counts.flatMap((k, w) => Array.from({ length: k }, () => w));
    const s = summarize(counts, pats, 5);
    const h = patterns(Float64Array.from(wins), new Float64Array(wins.length).fill(5));
    const profile = profileInterval(h, s.rate, 1.959963984540054, work);
    return { study, ci: s.ci, p: s.p, profile };
  });
}

/** The designs docs/statistics.md reports. */
export const MONOTONE_DESIGNS: ReadonlyArray<[items: number, perItem: number, ties: boolean]> = [
  [10, 1, true],
  [20, 1, true],
  [100, 1, true],
  [10, 2, false],
  [10, 2, true],
  [20, 2, false],
  [10, 5, false],
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(
    '| design | studies | pairs one verdict apart | a bound falls | worst fall | p rises (leading a) | worst p ratio |',
  );
  console.log('| --- | --: | --: | --: | --: | --: | --: |');
  const examples: string[] = [];
  for (const [items, perItem, ties] of MONOTONE_DESIGNS) {
    const r = monotoneReport(items, perItem, ties);
    console.log(
      `| ${r.design} | ${r.studies} | ${r.pairs} | ${r.boundFalls} | ${r.worstFall.toFixed(3)} | ${r.pRises} | ${r.worstRatio.toPrecision(3)} |`,
    );
    if (r.example) examples.push(`${r.design}: ${r.example}`);
  }
  console.log(`\nworst falls:\n${examples.join('\n')}`);
  console.log('\n| 10 items × 5/item | default 95% CI | p | profile likelihood (z) |');
  console.log('| --- | :-: | --: | :-: |');
  const f = (x: readonly number[]) => x.map((b) => b.toFixed(3)).join('–');
  for (const r of nearUnanimous())
    console.log(`| ${r.study} | ${f(r.ci)} | ${r.p.toPrecision(2)} | ${f(r.profile)} |`);
}
