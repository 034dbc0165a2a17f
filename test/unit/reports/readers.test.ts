import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../server/reports/build-report.ts';
import { readJudgmentsFiles } from '../../../server/reports/read-judgments.ts';
import { VerdictTableBuilder } from '../../../server/reports/verdict-table.ts';
import { fixture } from '../stats/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ta-readers-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const fixturePath = new URL('../../fixtures/stats/alpacaeval-sample.json', import.meta.url)
  .pathname;

describe('AlpacaEval annotation files', () => {
  it("give AlpacaEval's win_rate and standard_error exactly (pandas reference)", async () => {
    const expected = fixture<{
      win_rate: number;
      standard_error: number;
      n_wins: number;
      n_wins_base: number;
      n_draws: number;
      n_total: number;
      skipped: number;
    }>('alpacaeval-expected.json');
    const table = await readJudgmentsFiles([fixturePath]);
    const report = buildReport(table, { rounds: 50 });
    const pair = report.pairs[0]!;
    expect([pair.a, pair.b]).toEqual(['my-model', 'baseline-model']);
    expect(Math.abs(pair.winRate! * 100 - expected.win_rate)).toBeLessThan(1e-9);
    expect(Math.abs(pair.se! * 100 - expected.standard_error)).toBeLessThan(1e-9);
    expect([pair.wins, pair.losses, pair.ties, pair.n]).toEqual([
      expected.n_wins,
      expected.n_wins_base,
      expected.n_draws,
      expected.n_total,
    ]);
    expect(report.input.skipped).toBe(expected.skipped);
    expect(report.input.warnings[0]).toMatch(/alpacaeval-sample\.json:6: field 'preference': null/);
  });

  it('rejects a preference outside [1, 2] with file, record and field', async () => {
    const path = file(
      'bad-ae.json',
      JSON.stringify([
        { generator_1: 'x', generator_2: 'y', preference: 1.5 },
        { generator_1: 'x', generator_2: 'y', preference: 3 },
      ]),
    );
    await expect(readJudgmentsFiles([path])).rejects.toThrow(
      `${path}:2: field 'preference': must be 0 or in [1, 2]`,
    );
  });
});

describe('JSONL and CSV judgments files', () => {
  it('reads JSONL and flips verdicts given in the other orientation', async () => {
    const path = file(
      'ok.jsonl',
      [
        {
          item: 'q1',
          a: 'sft',
          b: 'base',
          winner: 'a',
          judge: 'j1',
          judge_kind: 'human',
          shown_left: 'a',
        },
        {
          item: 'q2',
          a: 'base',
          b: 'sft',
          winner: 'a',
          judge: 'j1',
          judge_kind: 'human',
          shown_left: 'b',
        },
        {
          item: 'q3',
          a: 'base',
          b: 'sft',
          winner: 'b',
          judge: 'j1',
          judge_kind: 'llm',
          shown_left: 'a',
          axes: { perception: 'a' },
        },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n\n',
    );
    const report = buildReport(await readJudgmentsFiles([path]));
    const p = report.pairs[0]!;
    expect([p.a, p.b, p.wins, p.losses]).toEqual(['sft', 'base', 2, 1]);
    expect(p.byAxis.perception!.losses).toBe(1);
    // q2: base won while shown on the right; q3: sft (b in the record) won while shown on the right
    expect(report.bias.position.leftWins).toBe(1);
    expect(report.bias.position.rightWins).toBe(2);
  });

  it("names file, line and field of a bad record: FILE:LINE: field 'x': reason", async () => {
    const good = JSON.stringify({
      item: 'q1',
      a: 'sft',
      b: 'base',
      winner: 'a',
      judge: 'j1',
      judge_kind: 'human',
      shown_left: 'a',
    });
    const path = file('bad.jsonl', `${good}\n${good.replace('"human"', '"robot"')}\n`);
    await expect(readJudgmentsFiles([path])).rejects.toThrow(
      new RegExp(`^${path}:2: field 'judge_kind': `),
    );
    const broken = file('broken.jsonl', `${good}\n${good}\n{"item": \n`);
    await expect(readJudgmentsFiles([broken])).rejects.toThrow(
      new RegExp(`^${broken}:3: field '\\(line\\)': invalid JSON`),
    );
    const same = file('same.jsonl', good.replace('"base"', '"sft"') + '\n');
    await expect(readJudgmentsFiles([same])).rejects.toThrow(
      `${same}:1: field 'b': a and b must be different systems`,
    );
  });

  it('reads CSV with axis columns and reports bad rows by line', async () => {
    const csv =
      'item,a,b,winner,judge,judge_kind,shown_left,axis:perception,len_a,len_b\nq1,sft,base,a,j1,human,a,tie,100,80\nq2,sft,base,tie,j1,human,b,,90,95\n';
    const report = buildReport(await readJudgmentsFiles([file('ok.csv', csv)]));
    expect(report.pairs[0]!.ties).toBe(1);
    expect(report.pairs[0]!.byAxis.perception!.n).toBe(1);
    expect(report.bias.length.n).toBe(2);
    const bad = file('bad.csv', `${csv}q3,sft,base,a,j1,human,a,,-5,3\n`);
    await expect(readJudgmentsFiles([bad])).rejects.toThrow(
      new RegExp(`^${bad}:4: field 'len_a': `),
    );
  });

  it('refuses, with file, line and field, what would silently become something else', async () => {
    const good = {
      item: 'q1',
      a: 'sft',
      b: 'base',
      winner: 'a',
      judge: 'j1',
      judge_kind: 'human',
      shown_left: 'a',
    };
    // an axis or judge named __proto__ cannot be a key of the report: it used to vanish
    const protoAxis = file(
      'proto.jsonl',
      `${JSON.stringify(good)}\n${JSON.stringify(good).replace('}', ',"axes":{"__proto__":"a"}}')}\n`,
    );
    await expect(readJudgmentsFiles([protoAxis])).rejects.toThrow(
      `${protoAxis}:2: field 'axes.__proto__': '__proto__' cannot be a name`,
    );
    const protoJudge = file('proto-judge.jsonl', JSON.stringify({ ...good, judge: '__proto__' }));
    await expect(readJudgmentsFiles([protoJudge])).rejects.toThrow(
      `${protoJudge}:1: field 'judge': '__proto__' cannot be a name`,
    );
    const header = 'item,a,b,winner,judge,judge_kind,shown_left';
    const csvProto = file('proto.csv', `${header},axis:__proto__\nq1,sft,base,a,j1,human,a,b\n`);
    await expect(readJudgmentsFiles([csvProto])).rejects.toThrow(
      `${csvProto}:2: field 'axes.__proto__': `,
    );
    // an axes cell holding a JSON string used to become axes "0", "1", …
    const csvString = file(
      'axes-string.csv',
      `${header},axes\nq1,sft,base,a,j1,human,a,"""ab"""\n`,
    );
    await expect(readJudgmentsFiles([csvString])).rejects.toThrow(
      `${csvString}:2: field 'axes': expected a JSON object`,
    );
    // AlpacaEval annotates its reference model against itself: skipped with a warning (it used
    // to enter the ranking as a self-pair)
    const self = file(
      'self.json',
      JSON.stringify([
        { generator_1: 'gpt4', generator_2: 'gpt4', preference: 1.5 },
        { generator_1: 'gpt4', generator_2: 'claude', preference: 2, annotator: '' },
      ]),
    );
    const table = await readJudgmentsFiles([self]);
    expect([table.length, table.skipped]).toEqual([1, 1]);
    expect(table.warnings).toEqual([
      `${self}:1: generator_1 and generator_2 are both 'gpt4' (a model against itself), skipped`,
    ]);
    const report = buildReport(table);
    expect(report.ranking.map((r) => r.system).sort()).toEqual(['claude', 'gpt4']);
    expect(Object.keys(report.pairs[0]!.byJudge)).toEqual(['alpaca_eval']);
    // any other source of a __proto__ name (a study's judges) is refused by the verdict table
    const builder = new VerdictTableBuilder();
    expect(() =>
      builder.add({ item: 'q', a: 'x', b: 'y', score: 1, judge: '__proto__', judgeKind: 'human' }),
    ).toThrow(RangeError);
  });
});
