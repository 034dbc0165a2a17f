import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Judgment } from '../../../shared/judgments.ts';
import { reportSchema } from '../../../shared/report.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { formatReport, REPORT_FORMATS } from '../../../server/reports/format.ts';
import { VerdictTableBuilder } from '../../../server/reports/verdict-table.ts';
import { makeJudgment, tableOf } from './factories.ts';

const items = (n: number, winner: (k: number) => 'a' | 'b' | 'tie') =>
  Array.from({ length: n }, (_, k) => makeJudgment({ item: `q-${k}`, winner: winner(k) }));

describe('ranking intervals in degenerate cases (issue 10, point 6)', () => {
  it('50 ties: the score is 0 but the interval is null with a reason, not [0, 0]', async () => {
    const report = buildReport(tableOf(items(50, () => 'tie')), { rounds: 200 });
    expect(reportSchema.safeParse(report).success).toBe(true);
    const sft = report.ranking.find((e) => e.system === 'sft')!;
    expect(sft.score).toBe(0);
    expect(sft.ci).toBeNull();
    expect(sft.reasons.ci).toMatch(/same score/);
    for (const f of REPORT_FORMATS)
      expect((await formatReport(report, f)).length).toBeGreaterThan(0);
  });

  it('9 wins in 10 items: the interval is null (unbounded) and the infinite rounds are counted', () => {
    const report = buildReport(tableOf(items(10, (k) => (k < 9 ? 'a' : 'b'))));
    const sft = report.ranking.find((e) => e.system === 'sft')!;
    expect(sft.score).toBeCloseTo(Math.log(9), 9);
    expect(sft.ci).toBeNull();
    expect(sft.reasons.ci).toMatch(/unbounded/);
    // P(all 10 resampled items are wins) = 0.9^10 = 0.349: 2000 rounds give 697 ± 21
    expect(report.rankingInfo.failedRounds).toBeGreaterThan(697 - 4 * 21);
    expect(report.rankingInfo.failedRounds).toBeLessThan(697 + 4 * 21);
  });

  it('one bootstrap round: the reason says so, not that the items are alike', () => {
    const report = buildReport(tableOf(items(40, (k) => (k % 3 ? 'a' : 'b'))), { rounds: 1 });
    const sft = report.ranking.find((e) => e.system === 'sft')!;
    expect(sft.ci).toBeNull();
    expect(sft.reasons.ci).toBe('one bootstrap round cannot give an interval (--rounds 1)');
  });

  it('every text format says why a system with a score has no interval (a bare "—" did not)', async () => {
    const report = buildReport(tableOf(items(10, (k) => (k < 9 ? 'a' : 'b'))), { rounds: 200 });
    for (const f of ['table', 'markdown', 'html'] as const)
      expect(await formatReport(report, f), f).toMatch(/— \(the interval is unbounded: \d+ of 200/);
  });

  it('the base system has no interval of its own: null with the reason, not a zero-width [0, 0]', async () => {
    const report = buildReport(
      tableOf(items(40, (k) => (k % 4 === 0 ? 'b' : k % 4 === 1 ? 'tie' : 'a'))),
      { rounds: 200 },
    );
    const base = report.ranking.find((e) => e.system === 'base')!;
    expect(report.rankingInfo.base).toBe('base');
    expect(base.score).toBe(0);
    expect(base.ci).toBeNull();
    expect(base.reasons.ci).toMatch(/0 by definition/);
    // the other system's interval is a finite, non-degenerate one
    const sft = report.ranking.find((e) => e.system === 'sft')!;
    expect(sft.ci![0]).toBeLessThan(sft.ci![1]);
    // every format says why the base has no interval, none prints 0.00 to 0.00
    for (const f of ['table', 'markdown', 'html'] as const) {
      const text = await formatReport(report, f);
      expect(text, f).toMatch(/— \(base, 0 by definition\)/);
      expect(text, f).not.toMatch(/0\.00 (to|–) 0\.00/);
    }
  });

  it('the HTML note counts rounds without a finite estimate as counted, not left out', async () => {
    const report = buildReport(tableOf(items(10, (k) => (k < 9 ? 'a' : 'b'))), { rounds: 400 });
    const html = await formatReport(report, 'html');
    expect(html).not.toMatch(/without a finite estimate left out/);
    expect(html).toContain(
      `${report.rankingInfo.failedRounds} of them without a finite score for some system, counted at ±∞`,
    );
  });
});

describe('the ranking under --ties exclude (an audit of the ranking)', () => {
  const fractional = (scores: number[][], extra: Array<[string, string, number]> = []) => {
    const b = new VerdictTableBuilder();
    let k = 0;
    for (const [score, count] of scores as Array<[number, number]>)
      for (let i = 0; i < count; i++)
        b.add({ item: `q${k++}`, a: 'm', b: 'ref', score, judge: 'gpt', judgeKind: 'llm' });
    for (const [a, other, score] of extra)
      b.add({ item: `q${k++}`, a, b: other, score, judge: 'gpt', judgeKind: 'llm' });
    return b.finish();
  };

  it('a fractional score counts by its decisive mass, as in the pair row: two systems give logit(win rate)', () => {
    // 25 verdicts at 0.6 and 5 at 0.3: win mass 25 x 0.2 = 5, loss mass 5 x 0.4 = 2 (rate 5/7)
    const report = buildReport(
      fractional([
        [0.6, 25],
        [0.3, 5],
      ]),
      {
        ties: 'exclude',
        rounds: 200,
        base: 'ref',
      },
    );
    const pair = report.pairs[0]!;
    expect(pair.winRate).toBeCloseTo(5 / 7, 12);
    const m = report.ranking.find((e) => e.system === 'm')!;
    // statsmodels' binomial GLM on the decisive masses: log(5/2); ties half gave logit(0.55)
    expect(m.score).toBeCloseTo(Math.log(5 / 2), 9);
    const half = buildReport(
      fractional([
        [0.6, 25],
        [0.3, 5],
      ]),
      { rounds: 200, base: 'ref' },
    );
    expect(half.ranking.find((e) => e.system === 'm')!.score).toBeCloseTo(Math.log(0.55 / 0.45), 9);
  });

  it('a system whose verdicts were all ties has no score, and the reason says so', () => {
    const table = fractional(
      [
        [1, 10],
        [0, 10],
      ],
      Array.from({ length: 20 }, () => ['z', 'ref', 0.5] as [string, string, number]),
    );
    const report = buildReport(table, { ties: 'exclude', rounds: 100, base: 'ref' });
    const z = report.ranking.find((e) => e.system === 'z')!;
    expect(z.score).toBeNull();
    expect(z.reasons.score).toBe(
      'z has no verdict left to score it: all its verdicts were ties, which --ties exclude drops (--ties half counts them)',
    );
    expect(report.ranking.find((e) => e.system === 'm')!.reasons.score).toBe(z.reasons.score);
  });
});

describe('item bootstraps with nothing to resample (issue 10 point 6, applied to every bootstrap)', () => {
  const style = { length: 100, headers: 0, lists: 0, bold: 0 };
  const oneItem = ['a', 'a', 'b', 'tie'].map((winner, j) =>
    makeJudgment({
      item: 'i1',
      winner: winner as 'a' | 'b' | 'tie',
      judge: `j${j}`,
      style_a: style,
      style_b: { ...style, length: 50 },
    }),
  );

  it('one item, four judges: the style-controlled, competence-weighted and --ci bootstrap intervals are null with a reason', () => {
    for (const ci of ['cluster-wilson', 'bootstrap'] as const) {
      const report = buildReport(tableOf(oneItem), { ci, rounds: 300 });
      expect(reportSchema.safeParse(report).success).toBe(true);
      const p = report.pairs[0]!;
      expect(p.ci, ci).toBeNull();
      expect(p.pValue, ci).toBeNull();
      expect(p.reasons.ci).toMatch(/fewer than 2 items/);
      expect(p.styleControlled?.ci ?? null).toBeNull();
      const comp = report.sensitivity?.competence?.pairs[0];
      expect(comp?.ci ?? null).toBeNull();
      if (comp) expect(comp.reasons.ci).toMatch(/fewer than 2 items/);
    }
  });

  it('every item all wins: --ci bootstrap gives no zero-width [1, 1] and no p = 0', () => {
    const report = buildReport(
      tableOf(items(10, () => 'a').flatMap((j) => [j, { ...j, judge: 'dr-kim' }])),
      {
        ci: 'bootstrap',
        rounds: 300,
      },
    );
    const p = report.pairs[0]!;
    expect(p.winRate).toBe(1);
    expect(p.ci).toBeNull();
    expect(p.reasons.ci).toMatch(/zero width/);
    expect(p.pValue).toBeNull();
  });
});

describe('bootstrap intervals at the edges an adversarial run found', () => {
  it('an all-wins study: the competence-weighted interval is null, not [0.99994, 0.99994] (ends an ulp apart)', () => {
    const js = Array.from({ length: 10 }, (_, i) =>
      ['j0', 'j1', 'j2'].map((judge) => makeJudgment({ item: `q${i}`, judge, a: 'A', b: 'B' })),
    ).flat();
    const report = buildReport(tableOf(js), { rounds: 300 });
    const comp = report.sensitivity?.competence?.pairs[0];
    expect(comp).toBeDefined();
    expect(comp!.ci).toBeNull();
    expect(comp!.reasons.ci).toMatch(/zero width/);
  });

  it('ranking intervals hold their own score even with 5 bootstrap rounds', () => {
    // 200 items, each one verdict between two of 12 systems (an adversarial run's file)
    const js = readFileSync(
      fileURLToPath(new URL('../../fixtures/reports/twelve-systems.jsonl', import.meta.url)),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Judgment);
    for (const seed of [1, 2, 3]) {
      const report = buildReport(tableOf(js), { rounds: 5, seed });
      const bounded = report.ranking.filter((e) => e.ci !== null && e.score !== null);
      expect(bounded.length).toBeGreaterThan(5);
      for (const e of bounded) {
        expect(e.ci![0], `${e.system}, seed ${seed}`).toBeLessThanOrEqual(e.score!);
        expect(e.ci![1], `${e.system}, seed ${seed}`).toBeGreaterThanOrEqual(e.score!);
      }
    }
  });
});

describe('a ranking over systems in two groups never compared', () => {
  it('says so, rather than that some system won or lost everything', async () => {
    const js = [
      ...Array.from({ length: 20 }, (_, i) =>
        makeJudgment({ item: `p${i}`, a: 'A', b: 'B', winner: i < 16 ? 'a' : 'b' }),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        makeJudgment({ item: `r${i}`, a: 'C', b: 'D', winner: i < 6 ? 'a' : 'b' }),
      ),
    ];
    const report = buildReport(tableOf(js, { base: 'B' }), { rounds: 50 });
    expect(report.rankingInfo.reason).toMatch(/2 groups never compared with one another/);
    expect(report.ranking.every((e) => e.score === null)).toBe(true);
    // no score at all: the base is not labelled as a 0 by definition
    expect(await formatReport(report, 'table')).not.toMatch(/0 by definition/);
  });
});

describe('too few bootstrap rounds', () => {
  it('are said once in the input warnings (5 rounds at 95%: the intervals are set by one or two resamples)', () => {
    const js = items(20, (k) => (k % 3 === 0 ? 'b' : 'a'));
    const few = buildReport(tableOf(js), { rounds: 5 });
    expect(few.input.warnings).toEqual([
      "5 bootstrap rounds are too few for 95% percentile intervals (at least 40; the default is 2000): the ranking's and other bootstrap intervals are rough",
    ]);
    expect(buildReport(tableOf(js), { rounds: 40 }).input.warnings).toEqual([]);
    expect(buildReport(tableOf(js), { rounds: 100, level: 0.99 }).input.warnings[0]).toMatch(
      /^100 bootstrap rounds are too few for 99% percentile intervals \(at least 200/,
    );
  });
});
