import { describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../../shared/report.ts';
import type { Judgment } from '../../../shared/judgments.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { formatReport } from '../../../server/reports/format.ts';
import { diffReports } from '../../../server/reports/replay.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { makeJudgment, tableOf } from './factories.ts';

/**
 * 150 items, sft vs base; three good judges (accuracy 0.9) and two poor ones (0.55) who, when
 * wrong, favour sft. Some items are read the other way round (a: base), which the report flips.
 */
function study(): { judgments: Judgment[]; truth: number } {
  const rng = createRng(7, 'competence-report');
  const judges = [
    ['dr-lee', 0.9],
    ['dr-kim', 0.9],
    ['dr-ng', 0.9],
    ['intern-1', 0.55],
    ['intern-2', 0.55],
  ] as const;
  const judgments: Judgment[] = [];
  let truthSum = 0;
  for (let i = 0; i < 150; i++) {
    const x = rng.nextFloat();
    const truth = x < 0.4 ? 'a' : x < 0.5 ? 'tie' : 'b'; // relative to sft
    truthSum += truth === 'a' ? 1 : truth === 'tie' ? 0.5 : 0;
    for (const [judge, acc] of judges) {
      let w: 'a' | 'b' | 'tie';
      if (rng.nextFloat() < acc) w = truth;
      else if (judge.startsWith('intern')) w = truth === 'a' ? 'tie' : 'a';
      else w = truth === 'a' ? 'b' : truth === 'b' ? 'a' : rng.nextFloat() < 0.5 ? 'a' : 'b';
      const flip = i % 3 === 0;
      judgments.push(
        makeJudgment({
          item: `q${i}`,
          judge,
          a: flip ? 'base' : 'sft',
          b: flip ? 'sft' : 'base',
          winner: flip ? (w === 'a' ? 'b' : w === 'b' ? 'a' : 'tie') : w,
        }),
      );
    }
  }
  return { judgments, truth: truthSum / 150 };
}

describe('sensitivity.competence in the report', () => {
  const { judgments, truth } = study();
  const report = buildReport(tableOf(judgments), { rounds: 400 });

  it('fits the model beside the main figures, which it leaves as they were', () => {
    expect(reportSchema.safeParse(report).success).toBe(true);
    const c = report.sensitivity!.competence!;
    expect(c.model).toBe('dawid-skene');
    expect(c.comparisons).toBe(150);
    expect(c.sharedComparisons).toBe(150);
    expect(c.converged).toBe(true);
    const acc = Object.fromEntries(c.judges.map((j) => [j.judge, j.accuracy!]));
    for (const good of ['dr-lee', 'dr-kim', 'dr-ng']) expect(acc[good]).toBeGreaterThan(0.8);
    for (const poor of ['intern-1', 'intern-2']) expect(acc[poor]).toBeLessThan(0.7);
    const main = report.pairs[0]!;
    const weighted = c.pairs[0]!;
    expect([weighted.a, weighted.b]).toEqual([main.a, main.b]);
    expect(weighted.comparisons).toBe(150);
    const truthForA = main.a === 'sft' ? truth : 1 - truth;
    expect(Math.abs(weighted.winRate! - truthForA)).toBeLessThan(
      Math.abs(main.winRate! - truthForA),
    );
    expect(weighted.ci![0]).toBeLessThanOrEqual(weighted.winRate!);
    expect(weighted.ci![1]).toBeGreaterThanOrEqual(weighted.winRate!);
    // the main figure is the report without the sensitivity analysis
    const { sensitivity: _s, ...rest } = report;
    expect(reportSchema.parse(rest).pairs).toEqual(report.pairs);
  });

  it('is reproducible from the seed', () => {
    const again = buildReport(tableOf(judgments), { rounds: 400 });
    expect(again.sensitivity).toEqual(report.sensitivity);
  });

  it('counts the comparisons the same where items × pairs far outnumber the verdicts', () => {
    // 40 more systems, each against base on one item of its own: 190 items × 41 pairs of keys
    // for 790 verdicts, so the comparisons are indexed by a Map, not an array over every key
    const extra = Array.from({ length: 40 }, (_, k) =>
      makeJudgment({ item: `x${k}`, a: `sys-${k}`, b: 'base', judge: 'dr-lee' }),
    );
    const sparse = buildReport(tableOf([...judgments, ...extra]), { rounds: 50 });
    const c = sparse.sensitivity!.competence!;
    expect([c.comparisons, c.sharedComparisons]).toEqual([190, 150]);
    expect(c.pairs.map((p) => p.comparisons).sort((x, y) => x - y)).toEqual([
      ...Array<number>(40).fill(1),
      150,
    ]);
    expect(c.judges.find((j) => j.judge === 'dr-lee')!.verdicts).toBe(190);
  });

  it('says why when no comparison has two judges', () => {
    const solo = buildReport(tableOf([makeJudgment({ item: 'q1' }), makeJudgment({ item: 'q2' })]));
    expect(solo.sensitivity).toEqual({
      competence: null,
      reasons: { competence: 'no comparison judged by two or more judges' },
    });
  });

  it('appears in Markdown, HTML, LaTeX and the terminal table', async () => {
    const c = report.sensitivity!.competence!;
    const intern = c.judges.find((j) => j.judge === 'intern-1')!;
    const rate = `${(c.pairs[0]!.winRate! * 100).toFixed(1)}%`;
    const md = await formatReport(report, 'markdown');
    expect(md).toContain('## Sensitivity: judge competence (Dawid–Skene)');
    expect(md).toContain(rate);
    expect(md).toContain(
      `| intern-1 | human | ${intern.verdicts} | ${(intern.accuracy! * 100).toFixed(1)}%`,
    );
    const html = await formatReport(report, 'html');
    expect(html).toContain('<h2>Sensitivity: judge competence (Dawid–Skene)</h2>');
    expect(html).toContain(rate);
    const tex = await formatReport(report, 'latex');
    expect(tex).toContain('Weighted (\\%)');
    expect(tex).toContain(
      `intern-1 (human) & ${intern.verdicts} & & ${(intern.accuracy! * 100).toFixed(1)}`,
    );
    const table = await formatReport(report, 'table');
    expect(table).toContain('Sensitivity: judge competence (Dawid–Skene)');
  });

  it('a report JSON from before the analysis replays as identical', () => {
    const { sensitivity: _s, ...older } = report;
    expect(diffReports(older as Report, report)).toEqual([]);
  });
});

describe('a Dawid–Skene fit that did not converge', () => {
  it('gives no competence-weighted rate: null with the reason, not a figure from an unfinished EM', async () => {
    // 10 single-judge items split 5-5 and one item with five judges (an adversarial run's file):
    // the EM hit its 500-iteration cap, and the weighted rate printed 12.3% [5.4%, 19.2%] beside
    // a main rate of 50%
    const { readFileSync } = await import('node:fs');
    const js = readFileSync(
      new URL('../../fixtures/reports/competence-unconverged.jsonl', import.meta.url),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Judgment);
    const report = buildReport(tableOf(js), { rounds: 200 });
    const c = report.sensitivity?.competence;
    expect(c?.converged).toBe(false);
    const pair = c!.pairs[0]!;
    expect(pair.winRate).toBeNull();
    expect(pair.ci).toBeNull();
    expect(pair.reasons.winRate).toMatch(/did not converge/);
    expect(reportSchema.safeParse(report).success).toBe(true);
    for (const f of ['table', 'markdown', 'latex', 'html'] as const)
      expect((await formatReport(report, f)).length).toBeGreaterThan(0);
  });
});
