import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../../shared/report.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { formatReport, REPORT_FORMATS } from '../../../server/reports/format.ts';
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
