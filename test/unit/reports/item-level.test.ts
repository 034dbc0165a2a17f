import { describe, expect, it } from 'vitest';
import type { Judgment } from '../../../shared/judgments.ts';
import { reportSchema } from '../../../shared/report.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { formatReport, REPORT_FORMATS } from '../../../server/reports/format.ts';
import {
  confidenceSequence,
  DEFAULT_PLANNED_ITEMS,
} from '../../../server/stats/confidence-sequence.ts';
import { lengthControlledWinRate } from '../../../server/stats/length-control.ts';
import { calibratedWinRate } from '../../../server/stats/ppi.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { makeJudgment, tableOf } from './factories.ts';

/**
 * Issue 15 items 1, 2, 4 in the report: each pair's human-calibrated LLM rate, anytime-valid
 * sequence and length-controlled rate, computed from the verdict table exactly as the pure
 * functions compute them from the items.
 */
const score = (w: Judgment['winner']) => (w === 'a' ? 1 : w === 'tie' ? 0.5 : 0);

/** 80 items: the LLM judges every item twice (both orders), humans the first 30 (two of them on 10). */
function mixed(): Judgment[] {
  const rng = createRng(15, 'item-level');
  const out: Judgment[] = [];
  const pick = (p: number): Judgment['winner'] => {
    const u = rng.nextFloat();
    return u < 0.1 ? 'tie' : u < 0.1 + 0.9 * p ? 'a' : 'b';
  };
  for (let i = 0; i < 80; i++) {
    const lenA = 200 + rng.nextInt(600);
    const lenB = 250 + rng.nextInt(300);
    const p = 1 / (1 + Math.exp(-(0.4 + (lenA - lenB) / 400)));
    const base = { item: `q${i}`, len_a: lenA, len_b: lenB };
    for (const shown of ['a', 'b'] as const)
      out.push(
        makeJudgment({
          ...base,
          judge: 'gpt',
          judge_kind: 'llm',
          shown_left: shown,
          winner: pick(Math.min(1, p + 0.1)),
        }),
      );
    if (i < 30) out.push(makeJudgment({ ...base, judge: 'dr-lee', winner: pick(p) }));
    if (i < 10) out.push(makeJudgment({ ...base, judge: 'dr-kim', winner: pick(p) }));
  }
  return out;
}

describe('item-level figures in the report', () => {
  const judgments = mixed();
  const report = buildReport(tableOf(judgments), { rounds: 400, seed: 3, level: 0.9 });
  const pair = report.pairs[0]!;

  const byItem = new Map<string, { human: number[]; llm: number[]; lens: [number, number] }>();
  for (const j of judgments) {
    const e = byItem.get(j.item) ?? { human: [], llm: [], lens: [j.len_a!, j.len_b!] };
    (j.judge_kind === 'human' ? e.human : e.llm).push(score(j.winner));
    byItem.set(j.item, e);
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

  it('calibrated: PPI++ on item means, human against LLM', () => {
    const ref = calibratedWinRate(
      [...byItem.values()].map((e) => ({ human: e.human, llm: e.llm })),
      0.9,
    );
    expect(pair.calibrated).toEqual({
      winRate: ref.winRate.value,
      ci: ref.ci.value,
      nHuman: 30,
      nLlm: 50,
      lambda: ref.lambda.value,
      reasons: {},
    });
  });

  it('sequential: the confidence sequence over item means in completion order', () => {
    const ref = confidenceSequence(
      [...byItem.values()].map((e) => mean([...e.llm, ...e.human])),
      { level: 0.9, plannedItems: DEFAULT_PLANNED_ITEMS },
    ).value!;
    expect(pair.sequential).toEqual({
      ci: [...ref.ci],
      decided: ref.decided,
      halfWidth: ref.halfWidth,
      items: 80,
    });
  });

  it('sequential: an item counts when its last verdict arrives', () => {
    // q0 is seen first but its second verdict comes last: q0 is the last item completed
    const late = [
      makeJudgment({ item: 'q0', winner: 'b' }),
      ...Array.from({ length: 40 }, (_, i) => makeJudgment({ item: `q${i + 1}`, winner: 'a' })),
      makeJudgment({ item: 'q0', judge: 'dr-kim', winner: 'b' }),
    ];
    const r = buildReport(tableOf(late), { rounds: 20 }).pairs[0]!;
    const options = { level: 0.95, plannedItems: DEFAULT_PLANNED_ITEMS };
    const completed = confidenceSequence([...Array<number>(40).fill(1), 0], options).value!;
    const firstSeen = confidenceSequence([0, ...Array<number>(40).fill(1)], options).value!;
    expect(completed.ci).not.toEqual(firstSeen.ci);
    expect(r.sequential!.ci).toEqual([...completed.ci]);
  });

  it('length-controlled: the GLM and bootstrap of length-control.ts on the items, seeded by the report', () => {
    const ref = lengthControlledWinRate(
      [...byItem.values()].map((e) => ({
        lengthA: e.lens[0],
        lengthB: e.lens[1],
        scores: [...e.llm, ...e.human],
      })),
      { level: 0.9, rounds: 400, rng: createRng(3, 'sft\u0000base\u0000length-controlled') },
    );
    const lc = pair.lengthControlled!;
    expect(lc.winRate).toBeCloseTo(ref.winRate.value!, 10);
    expect(lc.lengthCoefficient).toBeCloseTo(ref.lengthCoefficient.value!, 10);
    expect(lc.ci![0]).toBeCloseTo(ref.ci.value![0], 9);
    expect(lc.ci![1]).toBeCloseTo(ref.ci.value![1], 9);
    expect(buildReport(tableOf(judgments), { rounds: 400, seed: 3, level: 0.9 })).toEqual(report);
  });

  it('null figures carry their reason on the pair; the default figures are unchanged', () => {
    const humans = judgments.filter((j) => j.judge_kind === 'human');
    const noLengths = humans.map(({ len_a: _a, len_b: _b, ...j }) => j);
    const r = buildReport(tableOf(noLengths), { rounds: 50 });
    const p = r.pairs[0]!;
    expect(p.calibrated).toBeNull();
    expect(p.reasons.calibrated).toBe('no LLM verdicts on this pair');
    expect(p.lengthControlled).toBeNull();
    expect(p.reasons.lengthControlled).toBe('no verdicts with both output lengths');
    expect(p.sequential).not.toBeNull();
    expect(reportSchema.safeParse(r).success).toBe(true);

    const llmOnly = buildReport(tableOf(judgments.filter((j) => j.judge_kind === 'llm')), {
      rounds: 50,
    });
    expect(llmOnly.pairs[0]!.reasons.calibrated).toBe('no human verdicts on this pair');

    const ties = buildReport(tableOf(humans.map((j) => ({ ...j, winner: 'tie' as const }))), {
      rounds: 50,
      ties: 'exclude',
    });
    expect(ties.pairs[0]!.sequential).toBeNull();
    expect(ties.pairs[0]!.reasons.sequential).toBe('no items with an included verdict');

    const fewHumans = buildReport(
      tableOf(judgments.filter((j) => j.judge_kind === 'llm' || j.item === 'q0')),
      { rounds: 50 },
    ).pairs[0]!.calibrated!;
    expect(fewHumans.winRate).toBeNull();
    expect(fewHumans.reasons.winRate).toBe('fewer than 2 items with human and LLM verdicts');
  });

  it('every format shows them; the CSV adds rows and leaves the breakdown rows as they were', async () => {
    for (const format of REPORT_FORMATS) {
      const text = await formatReport(report, format);
      if (format === 'json') continue;
      expect(text, format).toMatch(/PPI\+\+|ppi\+\+/);
      expect(text, format).toMatch(/length-controlled|length_controlled/);
      expect(text, format).toMatch(/sequen/i);
    }
    const csv = (await formatReport(report, 'csv')).trim().split('\n');
    const old = {
      ...report,
      pairs: report.pairs.map(
        ({ calibrated: _c, sequential: _s, lengthControlled: _l, styleControlled: _y, ...p }) => p,
      ),
    };
    const oldCsv = (await formatReport(old, 'csv')).trim().split('\n');
    expect(csv.slice(0, oldCsv.length)).toEqual(oldCsv);
    expect(csv.slice(oldCsv.length).map((l) => l.split(',')[2])).toEqual([
      'calibrated',
      'sequential',
      'length_controlled',
      'style_controlled',
    ]);
  });

  it('a report JSON from before these figures still parses and renders without them', async () => {
    const old = JSON.parse(JSON.stringify(report)) as Record<string, unknown> & {
      pairs: Array<Record<string, unknown>>;
    };
    for (const p of old.pairs) {
      delete p.calibrated;
      delete p.sequential;
      delete p.lengthControlled;
      delete p.styleControlled;
    }
    const parsed = reportSchema.parse(old);
    for (const format of ['table', 'markdown', 'latex', 'html'] as const)
      expect(await formatReport(parsed, format), format).not.toContain('PPI++');
  });
});
