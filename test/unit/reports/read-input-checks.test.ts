import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJudgmentsFiles } from '../../../server/reports/read-judgments.ts';
import { JUDGMENTS_CSV_HEADER, judgmentLine } from './factories.ts';

/**
 * What `stats` refuses before it becomes a wrong figure or an unhelpful message: number cells in
 * JavaScript's own syntax, files that are not text (Parquet, gzip, UTF-16), an AlpacaEval record
 * that lacks its preference, and names that are not valid text.
 */

const dir = mkdtempSync(join(tmpdir(), 'ta-read-checks-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const header = JUDGMENTS_CSV_HEADER;
const rec = judgmentLine;

describe('CSV number cells', () => {
  it('are plain decimals: hexadecimal, binary and octal are refused, as JSONL refuses them', async () => {
    for (const [cell, reason] of [
      ['0x10', "'0x10' is not a decimal number"],
      ['0b11', "'0b11' is not a decimal number"],
      ['0o17', "'0o17' is not a decimal number"],
      ['Infinity', "'Infinity' is not a decimal number"],
      ['1e999', "'1e999' is not a finite number"],
      ['12px', "'12px' is not a number"],
    ]) {
      const csv = file(`num-${cell}.csv`, `${header},len_a\nq1,sft,base,a,j1,human,a,${cell}\n`);
      await expect(readJudgmentsFiles([csv]), cell).rejects.toThrow(
        `${csv}:2: field 'len_a': ${reason}`,
      );
    }
    const ok = file(
      'num-ok.csv',
      `${header},len_a,len_b,strength\nq1,sft,base,a,j1,human,a,12,+1.2e3,2\nq2,sft,base,a,j1,human,a,0012,1200.,1\n`,
    );
    const t = await readJudgmentsFiles([ok]);
    expect(t.length).toBe(2);
  });
});

describe('files that are not text', () => {
  it('are named for what they are, with what to do, in one line', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      [
        'battles.parquet',
        Buffer.from('PAR1\x15\x04\x15\x94', 'latin1'),
        /: field '\(file\)': a Parquet file \(it starts with PAR1\), which stats does not read: convert it to JSONL first, e\.g\. with pandas .* or duckdb .*$/,
      ],
      [
        'battles.jsonl',
        Buffer.from('PAR1\x15\x04\x15\x94', 'latin1'),
        /: field '\(file\)': a Parquet file \(it starts with PAR1\)/,
      ],
      [
        'j.csv',
        Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]),
        /: field '\(file\)': a gzip-compressed file \(it starts with bytes 1F 8B\): decompress it first \(gunzip, or stats <\(zcat FILE\)\)$/,
      ],
      [
        'j.json',
        Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]),
        /: field '\(file\)': a gzip-compressed file/,
      ],
      [
        'le.jsonl',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rec(), 'utf16le')]),
        /: field '\(file\)': UTF-16 text \(it starts with the byte-order mark FF FE\): re-save it as UTF-8$/,
      ],
      [
        'be.csv',
        Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('i\0t\0', 'latin1')]),
        /: field '\(file\)': UTF-16 text \(it starts with the byte-order mark FE FF\): re-save it as UTF-8$/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const path = file(name, bytes);
      const err = await readJudgmentsFiles([path]).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message, name).toMatch(new RegExp(`^${path}:1${message.source}`));
      expect(err?.message).not.toContain('\n');
    }
  });
});

describe('AlpacaEval arrays', () => {
  it('read every record as AlpacaEval once the first is: a missing preference names its typo', async () => {
    const misspelt = file(
      'aemiss.json',
      JSON.stringify([
        { instruction: 'i', generator_1: 'r', generator_2: 'm', preference: 2 },
        { instruction: 'j', generator_1: 'r', generator_2: 'm', prefrence: 2 },
      ]),
    );
    await expect(readJudgmentsFiles([misspelt])).rejects.toThrow(
      `${misspelt}:2: field 'preference': missing (the record has 'prefrence': a typo?)`,
    );
    const absent = file(
      'aeabsent.json',
      JSON.stringify([
        { instruction: 'i', generator_1: 'r', generator_2: 'm', preference: 2 },
        { instruction: 'j', generator_1: 'r', generator_2: 'm' },
      ]),
    );
    await expect(readJudgmentsFiles([absent])).rejects.toThrow(
      `${absent}:2: field 'preference': missing`,
    );
  });
});

describe('names that are not valid text', () => {
  it('are refused naming file, line and field, in every format', async () => {
    const lone = file(
      'lone.jsonl',
      `{"question_id":"q","model_a":"x\\ud800","model_b":"x\\ud801","winner":"model_a"}\n`,
    );
    await expect(readJudgmentsFiles([lone])).rejects.toThrow(
      `${lone}:1: field 'model_a': contains a lone surrogate U+D800 at character 2 (not valid Unicode text)`,
    );
    const nul = file('nul.jsonl', `${rec()}\n${rec({ judge: 'j\u0000' })}\n`);
    await expect(readJudgmentsFiles([nul])).rejects.toThrow(
      `${nul}:2: field 'judge': contains U+0000 (NUL) at character 2`,
    );
    const axis = file('axis.jsonl', `${rec({ axes: { 'x\udc00': 'a' } })}\n`);
    await expect(readJudgmentsFiles([axis])).rejects.toThrow(
      `${axis}:1: field 'axes.x\\udc00': contains a lone surrogate U+DC00 at character 2 (not valid Unicode text)`,
    );
    const csv = file('nul.csv', `${header},modality\nq\u00001,sft,base,a,j1,human,a,ct\n`);
    await expect(readJudgmentsFiles([csv])).rejects.toThrow(
      `${csv}:2: field 'item': contains U+0000 (NUL) at character 2`,
    );
    const alpaca = file(
      'nul-alpaca.json',
      JSON.stringify([
        { instruction: 'i', generator_1: 'r', generator_2: 'm\u0000', preference: 2 },
      ]),
    );
    await expect(readJudgmentsFiles([alpaca])).rejects.toThrow(
      `${alpaca}:1: field 'generator_2': contains U+0000 (NUL) at character 2`,
    );
    const mtbench = file(
      'nul-mtbench.jsonl',
      `${JSON.stringify({ question_id: 'q\u0000', model_1: 'x', model_2: 'y', g1_winner: 'tie', g2_winner: 'tie', judge: ['gpt-4', 'pair-v2'] })}\n`,
    );
    await expect(readJudgmentsFiles([mtbench])).rejects.toThrow(
      `${mtbench}:1: field 'question_id': contains U+0000 (NUL) at character 2`,
    );
    // other control characters and well-formed pairs are names like any other
    const fine = file('fine.jsonl', `${rec({ a: 'sft\u0007', b: 'base \ud83d\ude00' })}\n`);
    expect((await readJudgmentsFiles([fine])).systems.names).toEqual([
      'sft\u0007',
      'base \ud83d\ude00',
    ]);
  });
});
