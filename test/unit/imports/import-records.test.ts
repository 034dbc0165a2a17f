import { describe, expect, it } from 'vitest';
import {
  charLength,
  csvRowToItemRecord,
  csvRowToOutputRecord,
  detectKind,
  formatFieldPath,
  jsonEqual,
  parseItemRecord,
  parseOutputRecord,
} from '../../../shared/import-records.ts';

describe('parseItemRecord', () => {
  it('keeps unknown fields in metadata and fills defaults', () => {
    const parsed = parseItemRecord({
      id: 17,
      question: 'Q?',
      source: 'pmc',
      metadata: { split: 'test' },
    });
    expect(parsed).toEqual({
      ok: true,
      record: {
        id: '17',
        question: 'Q?',
        images: [],
        reference: null,
        modality: null,
        metadata: { split: 'test', source: 'pmc' },
        outputs: {},
      },
    });
  });

  it('names the field and what was expected', () => {
    expect(parseItemRecord({ id: 'a' })).toEqual({
      ok: false,
      problem: { field: 'question', expected: 'expected a non-empty string' },
    });
    expect(parseItemRecord({ id: 'a', question: 'q', images: ['x.png', 3] })).toMatchObject({
      problem: { field: 'images[1]', expected: 'expected a non-empty string' },
    });
    expect(
      parseItemRecord({ id: 'a', question: 'q', outputs: { base: { answer: 'x' } } }),
    ).toMatchObject({
      problem: { field: 'outputs.base.trace', expected: 'expected a string' },
    });
    expect(parseItemRecord({ id: '', question: 'q' })).toMatchObject({ problem: { field: 'id' } });
    expect(parseItemRecord([1])).toMatchObject({
      problem: { field: '(record)', expected: 'expected a JSON object' },
    });
    expect(parseItemRecord({ id: 'a', question: 'q', metadata: [] })).toMatchObject({
      problem: { field: 'metadata', expected: 'expected an object' },
    });
  });

  it('refuses an unknown field that contradicts metadata', () => {
    expect(
      parseItemRecord({ id: 'a', question: 'q', source: 'x', metadata: { source: 'y' } }),
    ).toMatchObject({
      problem: { field: 'source' },
    });
  });
});

describe('parseOutputRecord', () => {
  it('accepts item, system, trace, answer and refuses unknown fields', () => {
    expect(parseOutputRecord({ item: 'q', system: 's', trace: '' })).toEqual({
      ok: true,
      record: { item: 'q', system: 's', trace: '', answer: '' },
    });
    expect(parseOutputRecord({ item: 'q', trace: 't', score: 1 })).toMatchObject({
      problem: {
        field: 'score',
        expected: 'unknown field (output records have item, system, trace, answer)',
      },
    });
  });
});

describe('CSV rows', () => {
  it('splits images on |, reads outputs.SYSTEM.* columns and keeps other columns in metadata', () => {
    const parsed = csvRowToItemRecord({
      id: 'q-1',
      question: 'Q?',
      images: 'a.png|b.png',
      reference: '',
      'outputs.base.trace': 'T',
      'outputs.base.answer': 'A',
      'outputs.sft.trace': '',
      'metadata.split': 'dev',
      source: 'pmc',
    });
    expect(parsed).toMatchObject({
      ok: true,
      record: {
        images: ['a.png', 'b.png'],
        reference: null,
        outputs: { base: { trace: 'T', answer: 'A' } },
        metadata: { split: 'dev', source: 'pmc' },
      },
    });
    expect(csvRowToItemRecord({ id: 'q', question: 'Q', metadata: '{oops' })).toMatchObject({
      problem: { field: 'metadata', expected: 'expected a JSON object' },
    });
    expect(csvRowToOutputRecord({ item: 'q', system: '', trace: '', answer: '' })).toEqual({
      ok: true,
      record: { item: 'q', trace: '', answer: '' },
    });
  });
});

describe('helpers', () => {
  it('detects the kind of file from field names', () => {
    expect(detectKind(['id', 'question'])).toBe('items');
    expect(detectKind(['item', 'system', 'trace'])).toBe('outputs');
    expect(detectKind(['foo'])).toBeNull();
  });

  it('formats field paths', () => {
    expect(formatFieldPath(['images', 0])).toBe('images[0]');
    expect(formatFieldPath(['outputs', 'base', 'trace'])).toBe('outputs.base.trace');
  });

  it('counts characters as code points, like char_length', () => {
    expect(charLength('abc')).toBe(3);
    expect(charLength('𝄞é✓')).toBe(3);
    expect(charLength('')).toBe(0);
  });

  it('compares JSON values regardless of key order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});

describe('__proto__ in CSV item rows', () => {
  it('is refused by name and never reaches Object.prototype', () => {
    const base = { id: 'q1', question: 'Q?', 'outputs.sft.trace': 't' };
    const problem = (row: Record<string, string>) => {
      const parsed = csvRowToItemRecord(row);
      return parsed.ok ? null : parsed.problem;
    };
    // this column used to write Object.prototype.trace for the whole process
    expect(problem({ ...base, 'outputs.__proto__.trace': 'polluted' })).toEqual({
      field: 'outputs.__proto__',
      expected: "a name other than '__proto__'",
    });
    expect(({} as Record<string, unknown>).trace).toBeUndefined();
    expect(problem({ ...base, 'metadata.__proto__': 'x' })?.field).toBe('metadata.__proto__');
    expect(problem({ ...base, metadata: '{"__proto__": {"a": 1}}' })?.field).toBe(
      'metadata.__proto__',
    );
    // ordinary rows still parse, metadata included
    const ok = csvRowToItemRecord({ ...base, 'metadata.site': 'A', modality: 'ct' });
    expect(ok.ok && ok.record.metadata).toEqual({ site: 'A' });
    expect(ok.ok && Object.keys(ok.record.outputs)).toEqual(['sft']);
  });
});
