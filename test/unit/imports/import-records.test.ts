import { describe, expect, it } from 'vitest';
import {
  charLength,
  closestName,
  csvRowToItemRecord,
  csvRowToOutputRecord,
  detectKind,
  formatFieldPath,
  jsonEqual,
  judgeNameSchema,
  parseItemRecord,
  parseOutputRecord,
} from '../../../shared/import-records.ts';

describe('names in import records: trimmed as stats trims them, no control characters', () => {
  it('trims item ids and system names, so an export reads back as the same items and systems', () => {
    expect(parseOutputRecord({ item: ' w1 ', system: 'sft ', trace: 't' })).toMatchObject({
      ok: true,
      record: { item: 'w1', system: 'sft' },
    });
    expect(
      parseItemRecord({ id: 'w1 ', question: 'q', outputs: { ' sft': { trace: 'u' } } }),
    ).toMatchObject({ ok: true, record: { id: 'w1', outputs: { sft: { trace: 'u' } } } });
  });

  it("a modality is a report key like a judge's name: trimmed, blank is none, no __proto__", () => {
    const item = (modality: unknown) => parseItemRecord({ id: 'w1', question: 'q', modality });
    expect(item(' radiology ')).toMatchObject({ ok: true, record: { modality: 'radiology' } });
    expect(item('   ')).toMatchObject({ ok: true, record: { modality: null } });
    // a study with this modality imported, then its report failed for good (exit 2 in `report`)
    expect(item('__proto__')).toEqual({
      ok: false,
      problem: { field: 'modality', expected: "a name other than '__proto__'" },
    });
    expect(item('x\ny')).toMatchObject({
      problem: { field: 'modality', expected: 'a name without control characters (U+000A at 2)' },
    });
  });

  it('refuses a control character in a name, and two outputs that trim to one system', () => {
    expect(parseOutputRecord({ item: 'w1', system: 'a\nb', trace: 't' })).toEqual({
      ok: false,
      problem: { field: 'system', expected: 'a name without control characters (U+000A at 2)' },
    });
    expect(parseOutputRecord({ item: 'w\t1', trace: 't' })).toMatchObject({
      problem: { field: 'item', expected: 'a name without control characters (U+0009 at 2)' },
    });
    expect(
      parseItemRecord({ id: 'w1', question: 'q', outputs: { 'x\ny': { trace: 'u' } } }),
    ).toMatchObject({ problem: { field: 'outputs.x\ny' } });
    expect(
      parseItemRecord({
        id: 'w1',
        question: 'q',
        outputs: { sft: { trace: 'u' }, 'sft ': { trace: 'v' } },
      }),
    ).toEqual({
      ok: false,
      problem: {
        field: 'outputs.sft ',
        expected: "the same system as 'sft' once trimmed and in Unicode NFC",
      },
    });
  });

  it('reads names in Unicode NFC, as stats does: café typed as e + U+0301 is the same system', () => {
    const decomposed = 'cafe\u0301';
    expect(
      parseOutputRecord({ item: `w${decomposed}`, system: decomposed, trace: 't' }),
    ).toMatchObject({
      ok: true,
      record: { item: 'wcaf\u00e9', system: 'caf\u00e9' },
    });
    expect(
      parseItemRecord({
        id: 'w1',
        question: 'q',
        modality: `x${decomposed}`,
        outputs: { [decomposed]: { trace: 'u' } },
      }),
    ).toMatchObject({
      ok: true,
      record: { modality: 'xcaf\u00e9', outputs: { 'caf\u00e9': { trace: 'u' } } },
    });
    expect(
      parseItemRecord({
        id: 'w1',
        question: 'q',
        outputs: { 'caf\u00e9': { trace: 'u' }, [decomposed]: { trace: 'v' } },
      }),
    ).toEqual({
      ok: false,
      problem: {
        field: `outputs.${decomposed}`,
        expected: "the same system as 'caf\u00e9' once trimmed and in Unicode NFC",
      },
    });
    expect(judgeNameSchema.parse(` Bj${'o\u0308'}rk `)).toBe('Bj\u00f6rk');
    // an LLM judge is named provider:model; a human so named was one judge with it in every report
    for (const name of ['openai:m1', 'anthropic:claude'])
      expect(judgeNameSchema.safeParse(name).error?.issues[0]?.message).toBe(
        "a name not beginning 'openai:' or 'anthropic:' (those name LLM judges)",
      );
    expect(judgeNameSchema.parse('OpenAI-reader')).toBe('OpenAI-reader');
  });

  it('suggests the field a misspelt output key resembles, though trace is then missing', () => {
    expect(parseItemRecord({ id: 'n1', question: 'q', outputs: { base: { trce: 't' } } })).toEqual({
      ok: false,
      problem: { field: 'outputs.base.trce', expected: "unknown field; did you mean 'trace'?" },
    });
  });
});

describe('a CSV metadata key given twice', () => {
  it('is refused whichever column comes first (the later one silently won)', () => {
    const problem = {
      field: 'metadata.k',
      expected: 'set twice, by the metadata column and by the metadata.k column: give it once',
    };
    const base = { id: 'q1', question: 'q' };
    expect(csvRowToItemRecord({ ...base, metadata: '{"k":"json"}', 'metadata.k': 'col' })).toEqual({
      ok: false,
      problem,
    });
    expect(csvRowToItemRecord({ ...base, 'metadata.k': 'col', metadata: '{"k":"json"}' })).toEqual({
      ok: false,
      problem,
    });
    expect(
      csvRowToItemRecord({ ...base, metadata: '{"j":"json"}', 'metadata.k': 'col' }),
    ).toMatchObject({ ok: true, record: { metadata: { j: 'json', k: 'col' } } });
  });
});

describe('parseItemRecord', () => {
  it('fills defaults and keeps metadata only from the metadata key', () => {
    const parsed = parseItemRecord({ id: 17, question: 'Q?', metadata: { split: 'test' } });
    expect(parsed).toEqual({
      ok: true,
      record: {
        id: '17',
        question: 'Q?',
        images: [],
        reference: null,
        modality: null,
        metadata: { split: 'test' },
        outputs: {},
      },
    });
  });

  it('refuses an unknown top-level field, suggesting the field it resembles', () => {
    // a misspelt outputs used to land both traces in metadata with exit 0
    expect(parseItemRecord({ id: 'a', question: 'q', ouputs: { base: { trace: 't' } } })).toEqual({
      ok: false,
      problem: { field: 'ouputs', expected: "unknown field; did you mean 'outputs'?" },
    });
    expect(parseItemRecord({ id: 'a', question: 'q', source: 'pmc' })).toEqual({
      ok: false,
      problem: {
        field: 'source',
        expected:
          'unknown field (item records have id, question, images, reference, modality, metadata, outputs; put other data under metadata)',
      },
    });
    expect(
      parseItemRecord({ id: 'a', question: 'q', outputs: { base: { trace: 't', answr: 'x' } } }),
    ).toMatchObject({
      problem: { field: 'outputs.base.answr', expected: "unknown field; did you mean 'answer'?" },
    });
  });

  it('refuses images, metadata and outputs set to null instead of treating them as absent', () => {
    for (const field of ['images', 'metadata', 'outputs']) {
      const parsed = parseItemRecord({ id: 'a', question: 'q', [field]: null });
      expect(parsed).toMatchObject({ ok: false, problem: { field } });
      expect(!parsed.ok && parsed.problem.expected).toMatch(/null is not allowed; leave it out/);
    }
    // reference and modality are documented as string or null
    expect(parseItemRecord({ id: 'a', question: 'q', reference: null }).ok).toBe(true);
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
    expect(parseOutputRecord({ item: 'q', trac: 't' })).toMatchObject({
      problem: { field: 'trac', expected: "unknown field; did you mean 'trace'?" },
    });
  });
});

describe('CSV rows', () => {
  it('splits images on |, reads outputs.SYSTEM.* and metadata.KEY columns', () => {
    const parsed = csvRowToItemRecord({
      id: 'q-1',
      question: 'Q?',
      images: 'a.png|b.png',
      reference: '',
      'outputs.base.trace': 'T',
      'outputs.base.answer': 'A',
      'outputs.sft.trace': '',
      'metadata.split': 'dev',
      metadata: '{"source": "pmc"}',
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

  it('refuses unknown columns, even when empty, with the same suggestion as JSON', () => {
    const problem = (row: Record<string, string>) => {
      const parsed = csvRowToItemRecord({ id: 'q', question: 'Q', ...row });
      return parsed.ok ? null : parsed.problem;
    };
    // these used to become metadata while the answer stayed silently empty
    expect(problem({ 'outputs.base.trace': 't', 'outputs.base.answr': 'x' })).toEqual({
      field: 'outputs.base.answr',
      expected: "unknown field; did you mean 'outputs.base.answer'?",
    });
    expect(problem({ 'outputs.fa.bogus': 'x' })).toEqual({
      field: 'outputs.fa.bogus',
      expected: 'unknown field (expected outputs.SYSTEM.trace or outputs.SYSTEM.answer)',
    });
    expect(problem({ questoin: '' })).toEqual({
      field: 'questoin',
      expected: "unknown field; did you mean 'question'?",
    });
    expect(problem({ source: 'pmc' })).toEqual({
      field: 'source',
      expected:
        "unknown field (item columns are id, question, images, reference, modality, metadata, metadata.KEY, outputs.SYSTEM.trace, outputs.SYSTEM.answer; did you mean 'metadata.source'?)",
    });
    expect(problem({ outputs: '{}' })?.field).toBe('outputs');
    expect(csvRowToOutputRecord({ item: 'q', trace: 't', anwser: '' })).toMatchObject({
      problem: { field: 'anwser', expected: "unknown field; did you mean 'answer'?" },
    });
  });
});

describe('helpers', () => {
  it('detects the kind of file from field names', () => {
    expect(detectKind(['id', 'question'])).toBe('items');
    expect(detectKind(['item', 'system', 'trace'])).toBe('outputs');
    expect(detectKind(['foo'])).toBeNull();
  });

  it('suggests the closest name within a small edit distance', () => {
    expect(closestName('ouputs', ['id', 'outputs', 'images'])).toBe('outputs');
    expect(closestName('anwser', ['trace', 'answer'])).toBe('answer');
    expect(closestName('bogus', ['trace', 'answer'])).toBeNull();
    expect(closestName('x', ['id'])).toBeNull();
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
