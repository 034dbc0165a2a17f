import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromVerdicts } from '../../../server/reports/load-study.ts';
import type { VerdictFacts } from '../../../server/reports/verdict-input.ts';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../server/reports/build-report.ts';
import { noVerdictsReason, readJudgmentsFiles } from '../../../server/reports/read-judgments.ts';
import { VerdictTableBuilder } from '../../../server/reports/verdict-table.ts';
import { fixture } from '../stats/helpers.ts';
import { JUDGMENTS_CSV_HEADER, judgmentLine, makeJudgment } from './factories.ts';

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
        judgmentLine(),
        judgmentLine({ item: 'q2', a: 'base', b: 'sft', shown_left: 'b' }),
        judgmentLine({
          item: 'q3',
          a: 'base',
          b: 'sft',
          winner: 'b',
          judge_kind: 'llm',
          axes: { perception: 'a' },
        }),
      ].join('\n') + '\n\n',
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
    const good = judgmentLine();
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
    // a required field spelt wrong is missing, and the misspelling is named
    const typo = file('typo.jsonl', `${good}\n${good.replace('"winner"', '"winnr"')}\n`);
    await expect(readJudgmentsFiles([typo])).rejects.toThrow(
      `${typo}:2: field 'winner': missing (the record has 'winnr': a typo?)`,
    );
    const without = file('without.jsonl', good.replace(',"judge_kind":"human"', '') + '\n');
    await expect(readJudgmentsFiles([without])).rejects.toThrow(
      new RegExp(`^${without}:1: field 'judge_kind': missing$`),
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
    const good = JSON.parse(judgmentLine()) as Record<string, unknown>;
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
      `${self}:1: 1 record compares 'gpt4' with itself (AlpacaEval annotates its reference model against itself; the leaderboard's 50.0 for it is by definition, not a measurement), skipped`,
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

describe('issue 10: what each format reads the same way', () => {
  const rec = judgmentLine;
  const header = JUDGMENTS_CSV_HEADER;

  it('warns once, at its first line, of a field that looks like a misspelt one the record lacks', async () => {
    const f = file(
      'typo.jsonl',
      [
        // the record has the field itself: no warning here, and still one where it lacks it
        rec({ notes: 'free text', modality: 'ct', modalty: 'ct' }),
        rec({ item: 'q2', modalty: 'xray', len_a: 10, lenb: 12 }),
        rec({ item: 'q3', modalty: 'ct' }),
        // the record has the field itself: the look-alike is some other field of its own
        rec({ item: 'q4', modality: 'mri', modalty: 'ct' }),
      ].join('\n'),
    );
    const table = await readJudgmentsFiles([f]);
    expect([table.length, table.skipped]).toEqual([4, 0]);
    expect(table.warnings).toEqual([
      `${f}:2: field 'modalty' is not read (a typo of 'modality'?)`,
      `${f}:2: field 'lenb' is not read (a typo of 'len_b'?)`,
    ]);
    // the table and Markdown reports print the warnings with the figures
    expect(buildReport(table).input.warnings).toEqual(table.warnings);
  });

  it('reads JSONL, JSON arrays and AlpacaEval files that start with a UTF-8 byte-order mark', async () => {
    const jsonl = file('bom.jsonl', `\uFEFF${rec()}\n${rec({ item: 'q2' })}\n`);
    const array = file('bom-array.json', `\uFEFF[${rec()},${rec({ item: 'q2' })}]`);
    const alpaca = file(
      'bom-alpaca.json',
      `\uFEFF${JSON.stringify([{ instruction: 'i1', generator_1: 'x', generator_2: 'y', preference: 2 }])}`,
    );
    const csv = file('bom.csv', `\uFEFF${header}\nq1,sft,base,a,j1,human,a\n`);
    expect((await readJudgmentsFiles([jsonl])).length).toBe(2);
    expect((await readJudgmentsFiles([array])).length).toBe(2);
    expect((await readJudgmentsFiles([alpaca])).systems.names).toEqual(['y', 'x']);
    expect((await readJudgmentsFiles([csv])).length).toBe(1);
    // a BOM elsewhere is content, and an error still names the line
    const late = file('late-bom.jsonl', `${rec()}\n\uFEFF${rec()}\n`);
    await expect(readJudgmentsFiles([late])).rejects.toThrow(
      `${late}:2: field '(line)': invalid JSON`,
    );
  });

  it('trims names in JSONL and JSON as CSV trims its cells: one item, one judge, one pair', async () => {
    const padded = {
      item: ' q1 ',
      a: 'sft ',
      b: '\tbase',
      judge: ' j1',
      modality: 'ct ',
      winner: ' a',
    };
    const jsonl = file(
      'padded.jsonl',
      [
        rec(),
        rec({ ...padded, axes: { ' perception ': ' tie ' } }),
        rec({ item: 'q1\u00a0' }),
      ].join('\n'),
    );
    const t = await readJudgmentsFiles([jsonl]);
    // U+00A0 is whitespace to String.prototype.trim, as to csv cells
    expect(t.items.size).toBe(1);
    expect(t.systems.names).toEqual(['sft', 'base']);
    expect(t.judges.names).toEqual(['j1']);
    expect(t.modalities.names).toEqual(['ct']);
    expect(t.axes.names).toEqual(['perception']);
    const csv = file(
      'padded.csv',
      `${header},modality,axis:perception\nq1,sft,base,a,j1,human,a,,\n q1 ,sft , base, a, j1,human,a,ct , tie \nq1\u00a0,sft,base,a,j1,human,a,,\n`,
    );
    const fromCsv = buildReport(await readJudgmentsFiles([csv]), { rounds: 20 });
    // the three records are one judge's verdict on one comparison: both files warn of the
    // repeats (naming themselves); every figure is the same
    const figures = (r: ReturnType<typeof buildReport>) => ({
      ...r,
      input: { ...r.input, warnings: [] },
    });
    expect(t.warnings[0]).toMatch(/repeats the verdict at/);
    expect(fromCsv.input.warnings[0]).toMatch(/repeats the verdict at/);
    expect(figures(fromCsv)).toEqual(figures(buildReport(t, { rounds: 20 })));
    // a name that is only whitespace is empty, and " __proto__ " is __proto__
    const blank = file('blank.jsonl', `${rec()}\n${rec({ judge: '  ' })}\n`);
    await expect(readJudgmentsFiles([blank])).rejects.toThrow(
      new RegExp(`^${blank}:2: field 'judge': `),
    );
    const proto = file('proto-pad.jsonl', rec({ axes: { ' __proto__': 'a' } }));
    await expect(readJudgmentsFiles([proto])).rejects.toThrow(
      `${proto}:1: field 'axes.__proto__': '__proto__' cannot be a name`,
    );
    const twoAxes = file('two-axes.jsonl', rec({ axes: { x: 'a', ' x': 'b' } }));
    await expect(readJudgmentsFiles([twoAxes])).rejects.toThrow(
      `${twoAxes}:1: field 'axes. x': the same axis as 'x' once surrounding whitespace is trimmed`,
    );
    const same = file('same-pad.jsonl', rec({ b: ' sft ' }));
    await expect(readJudgmentsFiles([same])).rejects.toThrow(
      `${same}:1: field 'b': a and b must be different systems`,
    );
  });

  it('names the first line of a CSV record that spans several lines', async () => {
    const bad = file(
      'multiline.csv',
      `${header},axis:note\nq1,sft,base,a,j1,human,a,tie\n"q\n2",sft,base,left,"j\n1",human,a,tie\n`,
    );
    await expect(readJudgmentsFiles([bad])).rejects.toThrow(`${bad}:3: field 'winner': `);
    // CRLF inside quoted cells (csv-parse counts it as two lines) and CRLF line ends
    const crlf = file(
      'multiline-crlf.csv',
      `${header}\r\n"q\r\n1",sft,base,a,j1,human,a\r\n\r\n"q\r\n\r\n2",sft,base,a,j1,human,a\r\nq3,sft,base,a,j1,robot,a\r\n`,
    );
    await expect(readJudgmentsFiles([crlf])).rejects.toThrow(`${crlf}:8: field 'judge_kind': `);
    const later = file(
      'multiline-later.csv',
      `${header}\n"q\r\n1",sft,base,a,j1,human,a\n"q2",sft,base,a,"j\n\n1",robot,a\n`,
    );
    await expect(readJudgmentsFiles([later])).rejects.toThrow(`${later}:4: field 'judge_kind': `);
  });

  it('says that 1e999 is not a finite number, in CSV and JSONL', async () => {
    const csv = file('inf.csv', `${header},len_a\nq1,sft,base,a,j1,human,a,1e999\n`);
    await expect(readJudgmentsFiles([csv])).rejects.toThrow(
      `${csv}:2: field 'len_a': '1e999' is not a finite number`,
    );
    const word = file('word.csv', `${header},len_b\nq1,sft,base,a,j1,human,a,long\n`);
    await expect(readJudgmentsFiles([word])).rejects.toThrow(
      `${word}:2: field 'len_b': 'long' is not a number`,
    );
    const jsonl = file(
      'inf.jsonl',
      `{"item":"q1","a":"x","b":"y","winner":"a","judge":"j","judge_kind":"llm","shown_left":"a","len_a":1e999}`,
    );
    await expect(readJudgmentsFiles([jsonl])).rejects.toThrow(
      `${jsonl}:1: field 'len_a': not a finite number (it overflows to Infinity)`,
    );
  });

  it('reads through the file wing: bad bytes and syntax name the line and a field', async () => {
    const latin1 = join(dir, 'latin1.jsonl');
    writeFileSync(
      latin1,
      Buffer.concat([Buffer.from(`${rec()}\n{"item":"caf`), Buffer.from([0xe9, 0x22, 0x7d, 0x0a])]),
    );
    await expect(readJudgmentsFiles([latin1])).rejects.toThrow(
      `${latin1}:2: field '(line)': invalid UTF-8 (byte 0xE9)`,
    );
    const semicolons = file(
      'semi.csv',
      `item;a;b;winner;judge;judge_kind;shown_left\nq1;sft;base;a;j1;human;a\n`,
    );
    await expect(readJudgmentsFiles([semicolons])).rejects.toThrow(
      new RegExp(
        `^${semicolons}:1: field '\\(row\\)': invalid CSV: the header is one column '.*': the file looks semicolon-separated; expected commas$`,
      ),
    );
    const broken = file('broken.json', `[\n${rec()},\n${rec()}\n{"item": tru}\n]`);
    await expect(readJudgmentsFiles([broken])).rejects.toThrow(
      new RegExp(`^${broken}:4: field '\\(file\\)': invalid JSON: `),
    );
  });

  it("explains an AlpacaEval reference model's own file: nothing to compare, 50.0 by definition", async () => {
    const own = file(
      'reference-own.json',
      JSON.stringify(
        ['i1', 'i2', 'i3'].map((instruction) => ({
          instruction,
          generator_1: 'gpt4_turbo',
          generator_2: 'gpt4_turbo',
          preference: 1.5,
        })),
      ),
    );
    const table = await readJudgmentsFiles([own]);
    expect([table.length, table.skipped]).toEqual([0, 3]);
    expect(table.warnings).toEqual([
      `${own}:1: 3 records compare 'gpt4_turbo' with itself (AlpacaEval annotates its reference model against itself; the leaderboard's 50.0 for it is by definition, not a measurement), skipped`,
    ]);
    expect(noVerdictsReason(table, [own])).toBe(
      `no verdicts to report: ${own}:1: 3 records compare 'gpt4_turbo' with itself (AlpacaEval annotates its reference model against itself; the leaderboard's 50.0 for it is by definition, not a measurement), skipped`,
    );
    const empty = file('empty.jsonl', '\n\n');
    expect(noVerdictsReason(await readJudgmentsFiles([empty]), [empty])).toBe(
      `no verdicts to report: ${empty} holds no records`,
    );
    const good = file('one.jsonl', rec());
    expect(noVerdictsReason(await readJudgmentsFiles([good, own]), [good, own])).toBeNull();
  });
});

describe('verdicts that repeat an earlier one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ta-repeat-'));
  const rec = (item: string, judge: string, shown: 'a' | 'b', winner: 'a' | 'b' = 'a') =>
    JSON.stringify(makeJudgment({ item, judge, judge_kind: 'llm', shown_left: shown, winner }));

  it('a file given twice: a warning that says so, one naming the first repeat and what it repeats; every verdict still counted', async () => {
    const path = join(dir, 'j.jsonl');
    // an LLM judging both orders is not a repeat; the same order again is
    writeFileSync(
      path,
      `${[rec('q1', 'gpt', 'a'), rec('q1', 'gpt', 'b'), rec('q2', 'gpt', 'a')].join('\n')}\n`,
    );
    const once = await readJudgmentsFiles([path]);
    expect(once.warnings).toEqual([]);
    const twice = await readJudgmentsFiles([path, path]);
    expect(twice.length).toBe(6);
    expect(twice.warnings).toEqual([
      `${path}: the same file as ${path}, given again: its verdicts are counted once more`,
      `${path}:1: repeats the verdict at ${path}:1 (the same judge, item, pair and side shown left); 3 verdicts repeat an earlier one in all, each counted (a file given twice?)`,
    ]);
  });

  it('within one file, also with a different verdict', async () => {
    const path = join(dir, 'k.jsonl');
    writeFileSync(
      path,
      `${[rec('q1', 'dr-a', 'a'), rec('q2', 'dr-a', 'a'), rec('q1', 'dr-a', 'a', 'b')].join('\n')}\n`,
    );
    const t = await readJudgmentsFiles([path]);
    expect(t.warnings).toEqual([
      `${path}:3: repeats the verdict at ${path}:1 (the same judge, item, pair and side shown left); 1 verdict repeats an earlier one in all, each counted (a file given twice?)`,
    ]);
  });
});

describe('lengths beyond exact integers', () => {
  it('are refused with the line and field (1e200 was read, and the length-controlled rate then claimed every length difference was the same)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ta-len-')), 'big.jsonl');
    const rec = (len: number) =>
      `{"item":"q1","a":"x","b":"y","winner":"a","judge":"j","judge_kind":"human","shown_left":"a","len_a":${len},"len_b":3}`;
    writeFileSync(path, `${rec(50)}\n${rec(1e200)}\n`);
    await expect(readJudgmentsFiles([path])).rejects.toThrow(
      `${path}:2: field 'len_a': 1e+200 is above 9007199254740991, the largest integer a double holds exactly`,
    );
  });
});

describe('issue 10, reader audit: nothing read silently wrong, every refusal one line with its line', () => {
  const rec = judgmentLine;
  const header = JUDGMENTS_CSV_HEADER;

  it('refuses style counts past 2³¹ − 1 (kept in 32 bits, 2³² + 533 was read as 533)', async () => {
    const style = (length: number) => ({ length, headers: 1, lists: 2, bold: 0 });
    const big = file(
      'style-big.jsonl',
      `${rec({ style_a: style(533), style_b: style(200) })}\n${rec({ item: 'q2', style_a: style(2 ** 32 + 533), style_b: style(200) })}\n`,
    );
    await expect(readJudgmentsFiles([big])).rejects.toThrow(
      `${big}:2: field 'style_a.length': at most 2147483647 (2³¹ − 1, a style count is kept in 32 bits)`,
    );
    const largest = file(
      'style-largest.jsonl',
      `${rec({ style_a: style(2 ** 31 - 1), style_b: style(200) })}\n`,
    );
    expect((await readJudgmentsFiles([largest])).length).toBe(1);
  });

  it("keeps CSV's output texts as written, so CSV and JSONL give the same style counts", async () => {
    const records = [
      { item: 'q1', winner: 'a', output_a: '  long answer  \n\n\n', output_b: 'short' },
      { item: 'q2', winner: 'b', output_a: 'x', output_b: '      y      ' },
      { item: 'q3', winner: 'a', output_a: ' ', output_b: 'z' },
    ];
    const jsonl = file('outputs.jsonl', records.map((r) => rec(r)).join('\n'));
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const csv = file(
      'outputs.csv',
      `${header},output_a,output_b\n${records
        .map((r) =>
          [
            r.item,
            'sft',
            'base',
            r.winner,
            'j1',
            'human',
            'a',
            quote(r.output_a),
            quote(r.output_b),
          ].join(','),
        )
        .join('\n')}\n`,
    );
    const [a, b] = await Promise.all([readJudgmentsFiles([jsonl]), readJudgmentsFiles([csv])]);
    expect(b.style && [...b.style]).toEqual(a.style && [...a.style]);
    // the first output's length counts its spaces and line breaks
    expect(a.style?.[0]).toBe('  long answer  \n\n\n'.length);
  });

  it('trims CSV header names as it trims cells, and refuses a column that looks like an axis but is not read', async () => {
    const spaced = file(
      'spaced-header.csv',
      `item, a, b, winner, judge, judge_kind, shown_left, axis:perception\nq1,sft,base,a,j1,human,a,b\n`,
    );
    const t = await readJudgmentsFiles([spaced]);
    expect([t.length, t.axes.names]).toEqual([1, ['perception']]);
    for (const column of ['Axis:perception', 'axis-perception', 'Axes']) {
      const typo = file('axis-typo.csv', `${header},${column}\nq1,sft,base,a,j1,human,a,b\n`);
      await expect(readJudgmentsFiles([typo])).rejects.toThrow(
        `${typo}:1: field '${column}': this column is not read: an axis column is named axis:NAME or axis_NAME (lower case), and 'axes' holds a JSON object`,
      );
    }
    // refused whatever its cells hold, not only where a cell has a verdict
    const empty = file('axis-typo-empty.csv', `${header},Axis:p\nq1,sft,base,a,j1,human,a,\n`);
    await expect(readJudgmentsFiles([empty])).rejects.toThrow(`${empty}:1: field 'Axis:p': `);
    const both = file(
      'axis-both.csv',
      `${header},axis:p,axes\nq1,sft,base,a,j1,human,a,a,"{""p"":""b""}"\n`,
    );
    await expect(readJudgmentsFiles([both])).rejects.toThrow(
      `${both}:2: field 'axes.p': named by both the 'axes' cell and an axis column`,
    );
  });

  it('reads a name in NFC: "café" typed precomposed or decomposed is one system', async () => {
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    const f = file(
      'nfc.jsonl',
      [rec({ a: nfc, judge: nfd }), rec({ item: 'q2', a: nfd, judge: nfc })].join('\n'),
    );
    const t = await readJudgmentsFiles([f]);
    expect([t.systems.names, t.judges.names]).toEqual([[nfc, 'base'], [nfc]]);
    const same = file('nfc-same.jsonl', rec({ a: nfc, b: nfd }));
    await expect(readJudgmentsFiles([same])).rejects.toThrow(
      `${same}:1: field 'b': a and b must be different systems`,
    );
  });

  it('keeps a warning about the files in view when thousands of records are skipped', async () => {
    const nulls = file(
      'ae-nulls.json',
      JSON.stringify(
        Array.from({ length: 40 }, (_, k) => ({
          instruction: `i${k}`,
          generator_1: 'base',
          generator_2: 'sft',
          preference: k < 25 ? null : 2,
        })),
      ),
    );
    const once = file('once.jsonl', rec());
    const t = await readJudgmentsFiles([nulls, once, once]);
    expect(t.skipped).toBe(25);
    expect(t.warnings).toHaveLength(23);
    expect(t.warnings[0]).toBe(
      `${once}: the same file as ${once}, given again: its verdicts are counted once more`,
    );
    expect(t.warnings[20]).toBe(
      `${nulls}:20: field 'preference': null (failed annotation), skipped`,
    );
    expect(t.warnings[21]).toBe('… and 5 more records skipped, not listed (25 skipped in all)');
    expect(t.warnings[22]).toMatch(/^.*once\.jsonl:1: repeats the verdict at .*once\.jsonl:1 /);
  });

  it('names the line of a CSV syntax error after a quoted cell holding a CRLF', async () => {
    const crlf = file(
      'crlf-quote.csv',
      `${header},note\r\nq1,sft,base,a,j1,human,a,"x\r\ny"\r\nq2,s"ft,base,a,j1,human,a,ok\r\n`,
    );
    await expect(readJudgmentsFiles([crlf])).rejects.toThrow(
      `${crlf}:4: field '(row)': invalid CSV: Invalid Opening Quote: a quote is found on field "a", value is "s"`,
    );
  });

  it('counts a CR alone as a line break when it names the line of a bad byte', async () => {
    const cr = join(dir, 'cr-only.jsonl');
    writeFileSync(
      cr,
      Buffer.concat([
        Buffer.from(`${rec()}\r${rec()}\r{"item":"q`),
        Buffer.from([0xe9, 0x22, 0x7d]),
      ]),
    );
    await expect(readJudgmentsFiles([cr])).rejects.toThrow(
      `${cr}:3: field '(line)': invalid UTF-8 (byte 0xE9)`,
    );
  });

  it('refuses an empty AlpacaEval instruction (records pooled into one item) and names 1e999', async () => {
    const empty = file(
      'ae-empty-instruction.json',
      `[{"instruction":"","generator_1":"base","generator_2":"sft","preference":2},{"instruction":"","generator_1":"base","generator_2":"sft","preference":1}]`,
    );
    await expect(readJudgmentsFiles([empty])).rejects.toThrow(
      `${empty}:1: field 'instruction': empty (an item needs a name; without the field, a record is named by its position)`,
    );
    const inf = file(
      'ae-inf.json',
      `[{"instruction":"i","generator_1":"base","generator_2":"sft","preference":1e999}]`,
    );
    await expect(readJudgmentsFiles([inf])).rejects.toThrow(
      `${inf}:1: field 'preference': not a finite number (it overflows to Infinity)`,
    );
    const arena = file(
      'arena-inf.jsonl',
      `{"question_id":1e999,"model_a":"x","model_b":"y","winner":"model_a","judge":"u"}\n`,
    );
    await expect(readJudgmentsFiles([arena])).rejects.toThrow(
      `${arena}:1: field 'question_id': expected a string or a number, got Infinity (a number too large for a double)`,
    );
  });
});

describe('a study read for its report (load-study.ts)', () => {
  async function* rows(...facts: Array<Partial<VerdictFacts>>): AsyncIterable<VerdictFacts> {
    for (const f of facts) yield { ...makeJudgment({ item: 'q1', judge: 'j1' }), ...f };
  }

  it('reads names as stats reads its export: a study imported before names were stored in NFC', async () => {
    const t = await tableFromVerdicts(
      rows(
        { a: 'cafe\u0301', judge: 'Bjo\u0308rk', modality: 'histologi\u0301a ' },
        { a: 'caf\u00e9', item: 'q2', judge: 'Bj\u00f6rk', modality: 'histolog\u00eda' },
      ),
    );
    expect(t.systems.names).toEqual(['caf\u00e9', 'base']);
    expect(t.judges.names).toEqual(['Bj\u00f6rk']);
    expect(t.modalities.names).toEqual(['histolog\u00eda']);
  });

  it('refuses in one line a verdict whose two systems are one name once read so', async () => {
    await expect(tableFromVerdicts(rows({ a: 'caf\u00e9', b: 'cafe\u0301' }))).rejects.toThrow(
      "a verdict on item 'q1' compares the system 'caf\u00e9' with itself (its two names are one once trimmed and in Unicode NFC, as stats reads them)",
    );
  });
});
