import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../../shared/report.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { formatReport, REPORT_FORMATS } from '../../../server/reports/format.ts';
import { VerdictTableBuilder } from '../../../server/reports/verdict-table.ts';
import { makeJudgment, tableOf } from './factories.ts';

function noNaN(value: unknown): void {
  JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    return v;
  });
}

const many = Array.from({ length: 60 }, (_, i) =>
  ['dr-lee', 'dr-kim', 'gpt'].flatMap((judge, k) =>
    (judge === 'gpt' ? (['a', 'b'] as const) : ([i % 2 ? 'a' : 'b'] as const)).map((shown) =>
      makeJudgment({
        item: `q${i}`,
        judge,
        judge_kind: judge === 'gpt' ? 'llm' : 'human',
        shown_left: shown,
        winner: (i + k) % 5 === 0 ? 'tie' : (i * 7 + k) % 3 === 0 ? 'b' : 'a',
        axes: { perception: i % 4 ? 'a' : 'b' },
        modality: i % 2 ? 'radiology' : 'pathology',
        len_a: 100 + i * 13,
        len_b: 400 - i,
      }),
    ),
  ),
).flat();

describe('buildReport', () => {
  it('produces a schema-valid report with no NaN, cluster-Wilson by default', async () => {
    const report = buildReport(tableOf(many), { rounds: 300 });
    expect(reportSchema.safeParse(report).success).toBe(true);
    noNaN(report);
    const p = report.pairs[0]!;
    expect(p.ciMethod).toBe('cluster-wilson');
    expect(p.byJudge['dr-lee']!.ciMethod).toBe('agresti-coull');
    expect(await formatReport(report, 'latex')).toContain(
      'cluster-wilson: Wilson on the design-effect',
    );
    expect(p.n).toBe(240);
    expect(report.agreement.fleissKappa.value).not.toBeNull();
    expect(report.bias.position.swap.pairs).toBe(60);
    expect(report.ranking.map((r) => r.system)).toContain('base');
    expect(report.ranking.find((r) => r.system === 'base')!.score).toBe(0);
  });

  it('is reproducible from its seed', () => {
    const a = buildReport(tableOf(many), { rounds: 200, seed: 9 });
    const b = buildReport(tableOf(many), { rounds: 200, seed: 9 });
    expect(a).toEqual(b);
  });

  it('keeps the clustered bootstrap selectable, reproducible from its seed', () => {
    const a = buildReport(tableOf(many), { ci: 'bootstrap', rounds: 200, seed: 9 });
    const b = buildReport(tableOf(many), { ci: 'bootstrap', rounds: 200, seed: 9 });
    expect(reportSchema.safeParse(a).success).toBe(true);
    expect(a.pairs[0]!.ciMethod).toBe('bootstrap');
    expect(a.ci.method).toBe('bootstrap');
    expect(a).toEqual(b);
  });

  const edges: Record<string, Parameters<typeof makeJudgment>[0][]> = {
    'no verdicts': [],
    'one verdict': [{}],
    'all ties': Array.from({ length: 6 }, (_, i) => ({ item: `q${i}`, winner: 'tie' as const })),
    'all wins': Array.from({ length: 6 }, (_, i) => ({ item: `q${i}` })),
    'one judge': Array.from({ length: 6 }, (_, i) => ({
      item: `q${i}`,
      winner: i % 2 ? ('a' as const) : ('b' as const),
    })),
    'unanimous raters': Array.from({ length: 6 }, (_, i) =>
      ['j1', 'j2', 'j3'].map((judge) => ({ item: `q${i}`, judge })),
    ).flat(),
  };
  for (const [name, rows] of Object.entries(edges)) {
    it(`handles the edge case "${name}": nulls carry reasons, every format renders`, async () => {
      const report = buildReport(tableOf(rows.map((r) => makeJudgment(r))), { rounds: 100 });
      expect(reportSchema.safeParse(report).success).toBe(true);
      noNaN(report);
      for (const f of REPORT_FORMATS)
        expect((await formatReport(report, f)).length).toBeGreaterThan(0);
    });
  }

  it('edge-case figures are the honest ones', () => {
    const allWins = buildReport(tableOf(edges['all wins']!.map((r) => makeJudgment(r))));
    expect(allWins.pairs[0]!.winRate).toBe(1);
    expect(allWins.ranking.every((r) => r.score === null && r.reasons.score)).toBe(true);
    const unanimous = buildReport(tableOf(edges['unanimous raters']!.map((r) => makeJudgment(r))), {
      rounds: 100,
    });
    expect(unanimous.agreement.raw.value).toBe(1);
    expect(unanimous.agreement.krippendorffAlpha.value).toBeNull();
    expect(unanimous.agreement.krippendorffAlpha.reason).toMatch(/same category/);
    // every rating a tie, 6 items × 3 judges: no kappa, no alpha, but what they were computed
    // over (it said 0 units and 0 raters beside raw agreement's 6 units)
    const ties = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'].flatMap((item) =>
      ['h1', 'h2', 'l1'].map((judge) =>
        makeJudgment({ item, judge, judge_kind: judge === 'l1' ? 'llm' : 'human', winner: 'tie' }),
      ),
    );
    const tied = buildReport(tableOf(ties), { rounds: 20 }).agreement;
    expect(tied.raw).toMatchObject({ value: 1, units: 6, pairs: 18 });
    expect(tied.fleissKappa).toMatchObject({ value: null, units: 6, raters: 3 });
    expect(tied.krippendorffAlpha).toMatchObject({ value: null, units: 6, values: 18 });
    const one = buildReport(tableOf([makeJudgment()]));
    expect(one.pairs[0]!.se).toBeNull();
    expect(one.pairs[0]!.reasons.se).toMatch(/fewer than 2/);
  });

  it('keeps the base system on side b and anchors the ranking on it', () => {
    const report = buildReport(
      tableOf(
        many.map((j) => ({
          ...j,
          a: 'base',
          b: 'sft',
          winner: j.winner === 'a' ? 'b' : j.winner === 'b' ? 'a' : 'tie',
          shown_left: j.shown_left === 'a' ? 'b' : 'a',
        })),
        { base: 'base' },
      ),
      { base: 'base', rounds: 100 },
    );
    const forward = buildReport(tableOf(many), { rounds: 100 });
    expect([report.pairs[0]!.a, report.pairs[0]!.b]).toEqual(['sft', 'base']);
    expect(report.pairs[0]!.winRate).toBeCloseTo(forward.pairs[0]!.winRate!, 12);
  });

  it('renders html self-contained with SVG charts and latex with booktabs', async () => {
    const report = buildReport(tableOf(many), { rounds: 100 });
    const html = await formatReport(report, 'html');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    // the estimates are drawn inside the plot area, not clipped away
    expect((html.match(/<circle/g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect(html).toMatch(/>68\.3%<|>\d+\.\d%</);
    expect(await formatReport(report, 'latex')).toMatch(/\\toprule[\s\S]*\\bottomrule/);
    const csv = (await formatReport(report, 'csv')).trim().split('\n');
    expect(csv[0]).toMatch(/^a,b,breakdown,group,n,/);
    expect(reportSchema.parse(JSON.parse(await formatReport(report, 'json')))).toBeTruthy();
  });
  it("lists Cohen's kappa for the 200 judge pairs sharing the most comparisons, and counts them all", () => {
    // a crowd: 40 judges, each item judged by 3 of them, so 780 judge pairs can share items
    const crowd = Array.from({ length: 600 }, (_, i) =>
      [0, 1, 2].map((k) =>
        makeJudgment({
          item: `q${i}`,
          judge: `j${(i * 7 + k * (1 + (i % 13))) % 40}`,
          winner: (i + k) % 3 === 0 ? 'b' : 'a',
        }),
      ),
    ).flat();
    const { cohenKappa } = buildReport(tableOf(crowd), { rounds: 20 }).agreement;
    expect(cohenKappa.pairwise).toHaveLength(200);
    expect(cohenKappa.pairwiseTotal).toBeGreaterThan(200);
    const ns = cohenKappa.pairwise.map((p) => p.n);
    expect(ns).toEqual([...ns].sort((x, y) => y - x));
    expect(cohenKappa.n).toBe(ns[0]);
    expect(cohenKappa.judges).toEqual(cohenKappa.pairwise[0]!.judges);
  });
});

describe('the position-bias row names its test (issue 10, point 3: every p-value says which test)', () => {
  it('is the score test dual to its Wilson interval, in the JSON and in every text format', async () => {
    const judgments = Array.from({ length: 40 }, (_, i) =>
      makeJudgment({ item: `q${i}`, winner: i % 3 ? 'a' : 'b', shown_left: i % 4 ? 'a' : 'b' }),
    );
    const report = buildReport(tableOf(judgments), { rounds: 20 });
    expect(reportSchema.parse(report).bias.position.pTest).toBe('score-z');
    for (const f of ['table', 'markdown', 'html'] as const)
      expect(await formatReport(report, f), f).toMatch(/score test p = 0\.\d{4}/);
  });
});

describe('fractional scores under --ties exclude: every figure counts decisive mass (a review of the change)', () => {
  it('the length- and style-controlled rates and the length-bias bins say what the pair row says', () => {
    // 25 verdicts at 0.6 and 5 at 0.3, outputs alike: win mass 5, loss mass 2, so 5/7 everywhere
    const b = new VerdictTableBuilder();
    const style = { length: 100, headers: 1, lists: 2, bold: 0 };
    let k = 0;
    for (const [score, count] of [
      [0.6, 25],
      [0.3, 5],
    ] as const)
      for (let i = 0; i < count; i++)
        b.add({
          item: `q${k++}`,
          a: 'm',
          b: 'ref',
          score,
          judge: 'gpt',
          judgeKind: 'llm',
          lenA: 100 + (k % 3),
          lenB: 100,
          styleA: style,
          styleB: style,
        });
    const report = buildReport(b.finish(), { ties: 'exclude', rounds: 50 });
    const pair = report.pairs[0]!;
    expect(pair.winRate).toBeCloseTo(5 / 7, 12);
    expect(pair.lengthControlled?.winRate).toBeCloseTo(5 / 7, 1);
    expect(pair.styleControlled?.winRate).toBeCloseTo(5 / 7, 1);
    const similar = report.bias.length.bins.find((bin) => bin.n > 0)!;
    expect(similar.n).toBe(30);
    expect(similar.winRate).toBeCloseTo(5 / 7, 12);
  });
});
