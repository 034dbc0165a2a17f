import fc from 'fast-check';

/**
 * Malformed import files for the fuzz tests: a few valid records in JSONL, a JSON array or CSV,
 * with exactly one thing wrong at record k (or in the header, or across the file), and what the
 * import must answer: `FILE:LINE: ` followed by `expected` (LINE the corrupted record's line).
 */

export type Format = 'jsonl' | 'json' | 'csv';

export interface MalformedFile {
  format: Format;
  /** The corruption, for failure messages and the per-kind tally. */
  what: string;
  bytes: Buffer;
  line: number;
  /** How many lines after `line` the error may be reported (a JSON syntax error shows on the next token). */
  slack: number;
  expected: RegExp;
}

/** An item of the study the files are imported into (the re-import conflicts name it). */
export const STORED = {
  id: 'stored-1',
  question: 'Stored?',
  outputs: { base: { trace: 'T', answer: 'A' } },
};

const ITEM_COLUMNS = [
  'id',
  'question',
  'images',
  'reference',
  'modality',
  'metadata',
  'outputs.base.trace',
  'outputs.base.answer',
  'outputs.sft.trace',
  'outputs.sft.answer',
];
const OUTPUT_COLUMNS = ['item', 'system', 'trace', 'answer'];
const ITEM_FIELDS = ['id', 'question', 'images', 'reference', 'modality', 'metadata', 'outputs'];
const OUTPUT_FIELDS = ['item', 'system', 'trace', 'answer'];

type Rec = Record<string, unknown>;

function item(tag: string, i: number): Rec {
  return {
    id: `${tag}-${i}`,
    // a multi-line cell in CSV; marks go at the start, on the record's first line
    question: `What does case ${i} show?${i % 2 ? '\nSecond line.' : ''}`,
    reference: `finding ${i}`,
    modality: i % 3 ? 'radiology' : 'pathology',
    metadata: { split: 'test', note: `n${i}` },
    outputs: {
      base: { trace: `short trace ${i}`, answer: `a${i}` },
      sft: { trace: `longer trace ${i} — ✓`, answer: `a${i}` },
    },
  };
}

function output(i: number): Rec {
  return { item: STORED.id, system: `fz${i}`, trace: `trace ${i}`, answer: `a${i}` };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const INVALID_UTF8: number[][] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0x80],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x82, 0x82, 0xac],
  [0xf5, 0x80, 0x80, 0x80],
  [0xe9], // a Latin-1 é
];

/** What one corruption does to record k: edits to the record, then to its bytes. */
interface Corruption {
  what: string;
  /** Changes record k (or the whole list, for duplicates and conflicts). */
  edit?: (records: Rec[], k: number) => void;
  /** Replaces placeholders in the serialised file. */
  bytes?: Array<[string, Buffer | string]>;
  /** CSV: extra header columns (and their cell in every row). */
  extraColumns?: Array<[string, string]>;
  /** The error is on the first record's line (a CSV column), or line 1 (the header), or the line
   * of the bad bytes (a CSV record may span lines). */
  at?: 'record' | 'first' | 'header' | 'bytes';
  /** Syntax corruption of the serialised record k, or of the whole file. */
  text?: (recordText: string) => string;
  joinWith?: string;
  slack?: number;
  expected: RegExp;
}

function setPath(record: Rec, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = record;
  for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Rec;
  target[parts.at(-1) as string] = value;
}

/** A name that is not a known field (nor a prefix the CSV reader treats specially). */
const unknownName = (known: string[]) =>
  fc
    .oneof(
      fc.stringMatching(/^[a-z][a-z_]{0,11}$/),
      // typos: one letter dropped, doubled or swapped
      fc
        .tuple(fc.constantFrom(...known), fc.nat(), fc.constantFrom('drop', 'double', 'swap'))
        .map(([name, at, how]) => {
          const i = at % name.length;
          if (how === 'drop') return name.slice(0, i) + name.slice(i + 1);
          if (how === 'double') return name.slice(0, i) + name[i] + name.slice(i);
          return name.slice(0, i) + (name[i + 1] ?? '') + name[i] + name.slice(i + 2);
        }),
    )
    .filter(
      (n) =>
        n !== '' &&
        !known.includes(n) &&
        n !== '__proto__' &&
        n !== 'metadata' &&
        !n.startsWith('outputs'),
    );

function itemCorruptions(format: Format): fc.Arbitrary<Corruption> {
  const csv = format === 'csv';
  const textFields = [
    'id',
    'question',
    'reference',
    'modality',
    'metadata.note',
    'outputs.base.trace',
    'outputs.sft.answer',
  ];
  const list: Array<fc.Arbitrary<Corruption>> = [
    fc.tuple(fc.constantFrom(...textFields), fc.string({ maxLength: 5 })).map(([field, s]) => ({
      what: 'NUL',
      edit: (r: Rec[], k: number) => setPath(r[k] as Rec, field, `${s}\u0000${s}`),
      expected: new RegExp(
        `^field '${esc(field)}': contains U\\+0000 \\(NUL\\) at character \\d+$`,
      ),
    })),
    fc
      .tuple(fc.constantFrom(...textFields), fc.constantFrom(...INVALID_UTF8))
      .map(([field, bad]) => ({
        what: 'invalid UTF-8',
        edit: (r: Rec[], k: number) => setPath(r[k] as Rec, field, 'BADBYTES'),
        bytes: [['BADBYTES', Buffer.from(bad)]],
        at: 'bytes' as const,
        expected: new RegExp(
          `^invalid UTF-8 \\(byte 0x${(bad[0] as number).toString(16).toUpperCase()}\\)$`,
        ),
      })),
    fc
      .tuple(
        fc.constantFrom(...(csv ? ['metadata.note'] : ['question', 'metadata.note'])),
        fc.integer({ min: 0xd800, max: 0xdfff }),
      )
      .map(([field, code]) => ({
        what: 'lone surrogate',
        edit: (r: Rec[], k: number) => setPath(r[k] as Rec, field, `x${String.fromCharCode(code)}`),
        expected: new RegExp(
          `^field '${esc(field)}': contains a lone surrogate U\\+${code.toString(16).toUpperCase()} at character 2 \\(not valid Unicode text\\)$`,
        ),
      })),
    fc
      .tuple(
        fc.oneof(fc.constantFrom(31, 32, 10_000), fc.integer({ min: 31, max: 20_000 })),
        fc.boolean(),
        fc.constantFrom(...(csv ? ['metadata'] : ['metadata', 'outputs'])),
      )
      .map(([levels, arrays, field]) => {
        const open = arrays ? '[' : '{"a":';
        const close = arrays ? ']' : '}';
        const nested = open.repeat(levels) + '1' + close.repeat(levels);
        return {
          what: 'deep nesting',
          edit: (r: Rec[], k: number) =>
            setPath(r[k] as Rec, field === 'metadata' ? 'metadata.deep' : 'outputs.base', 'DEEP'),
          // the CSV mark first: it contains the JSON one
          bytes: [
            ['""DEEP""', nested.replaceAll('"', '""')],
            ['"DEEP"', nested],
          ],
          expected: new RegExp(`^field '${field}': nested deeper than 32 levels$`),
        };
      }),
    fc.tuple(fc.nat(), fc.constantFrom('nul', 'utf8')).map(([n, how]) => {
      const big = 'x'.repeat((1 << 20) + (n % (1 << 16)));
      return how === 'nul'
        ? {
            what: 'huge line',
            edit: (r: Rec[], k: number) => setPath(r[k] as Rec, 'reference', `${big}\u0000`),
            expected: /^field 'reference': contains U\+0000 \(NUL\)/,
          }
        : {
            what: 'huge line',
            edit: (r: Rec[], k: number) => setPath(r[k] as Rec, 'reference', `${big}BADBYTES`),
            bytes: [['BADBYTES', Buffer.from([0xff])] as [string, Buffer]],
            at: 'bytes' as const,
            expected: /^invalid UTF-8 \(byte 0xFF\)$/,
          };
    }),
    fc
      .constantFrom(
        ['nope.png', 'file not found: nope.png'],
        ['../x.png', "expected a path inside the import file's folder: ../x.png"],
        [
          'data:text/plain;base64,aGk=',
          'expected a PNG, JPEG, GIF, WebP, SVG or DICOM image: data: URI',
        ],
        ['https://example.org/x.png', 'expected a path relative to the import file or a data:'],
      )
      .map(([ref, message]) => ({
        what: 'bad image',
        edit: (r: Rec[], k: number) => setPath(r[k] as Rec, 'images', [ref]),
        expected: new RegExp(`^field 'images\\[0\\]': ${esc(message)}`),
      })),
    fc.constant({
      what: 'duplicate id',
      edit: (r: Rec[], k: number) => ((r[k] as Rec).id = (r[0] as Rec).id),
      expected: /^field 'id': duplicate id '[^']+' \(first on line \d+\)$/,
    }),
    fc.constantFrom('question', 'outputs.base.trace').map((field) => ({
      what: 're-import conflict',
      edit: (r: Rec[], k: number) => {
        r[k] = structuredClone(STORED);
        if (field === 'question') (r[k] as Rec).question = 'Another question?';
        else setPath(r[k] as Rec, 'outputs.base.trace', 'another trace');
      },
      expected: new RegExp(`^field '${esc(field)}': conflicts with .* already stored`),
    })),
    fc.constantFrom('', '   ').map((question) => ({
      what: 'empty question',
      edit: (r: Rec[], k: number) => ((r[k] as Rec).question = question),
      expected: /^field 'question': expected a non-empty string$/,
    })),
  ];
  if (csv) {
    list.push(
      unknownName(ITEM_COLUMNS).map((column) => ({
        what: 'unknown column',
        extraColumns: [[column, 'x']],
        at: 'first' as const,
        expected: new RegExp(`^field '${esc(column)}': unknown field`),
      })),
      fc.constantFrom('answr', 'anwser', 'trace2', 'bogus').map((name) => ({
        what: 'unknown column',
        extraColumns: [[`outputs.base.${name}`, 'x']],
        at: 'first' as const,
        expected: new RegExp(`^field 'outputs\\.base\\.${name}': unknown field`),
      })),
      fc.constantFrom('outputs.__proto__.trace', 'metadata.__proto__').map((column) => ({
        what: '__proto__',
        extraColumns: [[column, 'x']],
        at: 'first' as const,
        expected: new RegExp(
          `^field '${esc(column.replace('.trace', ''))}': a name other than '__proto__'$`,
        ),
      })),
      fc.constantFrom(';', '\t').map((d) => ({
        what: 'delimiter',
        joinWith: d,
        at: 'header' as const,
        expected:
          /^invalid CSV: the header is one column '.*': the file looks (semicolon|tab)-separated/,
      })),
      fc.constant({
        what: 'extra cell',
        text: (row: string) => row.replace(/\n$/, ',"extra"\n'),
        expected: /^invalid CSV: /,
      }),
    );
  } else {
    list.push(
      unknownName(ITEM_FIELDS).map((key) => ({
        what: 'unknown key',
        edit: (r: Rec[], k: number) => ((r[k] as Rec)[key] = 'pmc'),
        expected: new RegExp(`^field '${esc(key)}': unknown field`),
      })),
      unknownName(['trace', 'answer']).map((key) => ({
        what: 'unknown key',
        edit: (r: Rec[], k: number) => setPath(r[k] as Rec, `outputs.base.${key}`, 'x'),
        expected: new RegExp(`^field 'outputs\\.base\\.${esc(key)}': unknown field`),
      })),
      fc.constantFrom('images', 'metadata', 'outputs').map((field) => ({
        what: 'null',
        edit: (r: Rec[], k: number) => ((r[k] as Rec)[field] = null),
        expected: new RegExp(`^field '${field}': .*\\(null is not allowed; leave it out\\)$`),
      })),
      fc
        .constantFrom<[string, unknown, string]>(
          ['question', 7, 'question'],
          ['images', 'a.png', 'images'],
          ['images', [3], 'images[0]'],
          ['outputs', [], 'outputs'],
          ['outputs', { base: 'x' }, 'outputs.base'],
          ['outputs', { base: { answer: 'x' } }, 'outputs.base.trace'],
          ['id', {}, 'id'],
          ['id', 1.5, 'id'],
          ['reference', 5, 'reference'],
          ['metadata', [1], 'metadata'],
        )
        .map(([field, value, at]) => ({
          what: 'wrong type',
          edit: (r: Rec[], k: number) => ((r[k] as Rec)[field] = value),
          expected: new RegExp(`^field '${esc(at)}': expected`),
        })),
      fc.constantFrom('', 'metadata', 'outputs').map((parent) => ({
        what: '__proto__',
        edit: (r: Rec[], k: number) =>
          setPath(r[k] as Rec, parent ? `${parent}.PROTOKEY` : 'PROTOKEY', { trace: 't' }),
        bytes: [['"PROTOKEY"', '"__proto__"']],
        expected: new RegExp(
          `^field '${parent ? `${parent}.` : ''}__proto__': a name other than '__proto__'$`,
        ),
      })),
      fc.nat().map((cut) => ({
        what: 'invalid JSON',
        // any proper prefix of an object is invalid JSON
        text: (t: string) => t.slice(0, 1 + (cut % (t.trimEnd().length - 2))) + '\n',
        slack: format === 'json' ? 1 : 0,
        expected: /^invalid JSON: /,
      })),
    );
  }
  return fc.oneof(...list);
}

function outputCorruptions(format: Format): fc.Arbitrary<Corruption> {
  const list: Array<fc.Arbitrary<Corruption>> = [
    fc.constantFrom('trace', 'answer', 'system', 'item').map((field) => ({
      what: 'NUL',
      edit: (r: Rec[], k: number) => ((r[k] as Rec)[field] = `a\u0000`),
      expected: new RegExp(`^field '${field}': contains U\\+0000 \\(NUL\\)`),
    })),
    fc.constantFrom(...INVALID_UTF8).map((bad) => ({
      what: 'invalid UTF-8',
      edit: (r: Rec[], k: number) => ((r[k] as Rec).trace = 'BADBYTES'),
      bytes: [['BADBYTES', Buffer.from(bad)] as [string, Buffer]],
      at: 'bytes' as const,
      expected: /^invalid UTF-8 \(byte 0x[0-9A-F]{2}\)$/,
    })),
    fc.constant({
      what: 'unknown item',
      edit: (r: Rec[], k: number) => ((r[k] as Rec).item = 'no-such-item'),
      expected: /^field 'item': expected the id of an item in this study; there is no item/,
    }),
    fc.constant({
      what: 'duplicate output',
      edit: (r: Rec[], k: number) => ((r[k] as Rec).system = (r[0] as Rec).system),
      expected: /^field 'item': duplicate output for item/,
    }),
    fc.constant({
      what: 're-import conflict',
      edit: (r: Rec[], k: number) => {
        (r[k] as Rec).system = 'base';
        (r[k] as Rec).trace = 'another trace';
      },
      expected: /^field 'trace': conflicts with the output of system 'base'/,
    }),
  ];
  if (format === 'csv') {
    list.push(
      unknownName(OUTPUT_COLUMNS).map((column) => ({
        what: 'unknown column',
        extraColumns: [[column, '']],
        at: 'first' as const,
        expected: new RegExp(`^field '${esc(column)}': unknown field`),
      })),
    );
  } else {
    list.push(
      unknownName(OUTPUT_FIELDS).map((key) => ({
        what: 'unknown key',
        edit: (r: Rec[], k: number) => ((r[k] as Rec)[key] = 1),
        expected: new RegExp(`^field '${esc(key)}': unknown field`),
      })),
      fc.constant({
        what: 'wrong type',
        edit: (r: Rec[], k: number) => ((r[k] as Rec).trace = 42),
        expected: /^field 'trace': expected a string$/,
      }),
    );
  }
  return fc.oneof(...list);
}

const csvCell = (value: unknown): string => {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  return `"${text.replaceAll('"', '""')}"`;
};

function csvRow(record: Rec, columns: string[], extra: Array<[string, string]>): string {
  const cells = columns.map((column) => {
    if (column === 'images') return csvCell(((record.images as string[]) ?? []).join('|'));
    const parts = column.split('.');
    let value: unknown = record;
    for (const p of parts) value = (value as Rec | undefined)?.[p];
    return csvCell(value);
  });
  return [...cells, ...extra.map(([, v]) => csvCell(v))].join(',');
}

function assemble(
  format: Format,
  kind: 'items' | 'outputs',
  records: Rec[],
  k: number,
  c: Corruption,
): { text: string; line: number } {
  const texts: string[] = [];
  let head = '';
  if (format === 'csv') {
    const columns = kind === 'items' ? ITEM_COLUMNS : OUTPUT_COLUMNS;
    const extra = c.extraColumns ?? [];
    head = [...columns, ...extra.map(([n]) => n)].join(c.joinWith ?? ',') + '\n';
    for (const r of records) texts.push(csvRow(r, columns, extra) + '\n');
  } else {
    for (const r of records) texts.push(JSON.stringify(r) + '\n');
    if (format === 'json') {
      head = '[\n';
      for (let i = 0; i < texts.length - 1; i++)
        texts[i] = (texts[i] as string).replace(/\n$/, ',\n');
    }
  }
  if (c.text) texts[k] = c.text(texts[k] as string);
  let text = head;
  let line = head ? 2 : 1;
  let recordLine = 0;
  let firstLine = line;
  texts.forEach((t, i) => {
    if (i === 0) firstLine = line;
    if (i === k) recordLine = line;
    text += t;
    line += t.split('\n').length - 1;
  });
  if (format === 'json') text += ']\n';
  const at = c.at ?? 'record';
  if (at === 'bytes') {
    const before = text.slice(0, text.indexOf('BADBYTES'));
    return { text, line: before.split('\n').length };
  }
  return { text, line: at === 'header' ? 1 : at === 'first' ? firstLine : recordLine };
}

// built once: fast-check compiles stringMatching and friends when they are created
const corruptions = new Map<string, fc.Arbitrary<Corruption>>();
for (const format of ['jsonl', 'json', 'csv'] as const) {
  corruptions.set(`items/${format}`, itemCorruptions(format));
  corruptions.set(`outputs/${format}`, outputCorruptions(format));
}

/** One malformed file: a format, a kind, 1-6 records, one corruption at record k. */
export const malformedFile: fc.Arbitrary<MalformedFile> = fc
  .tuple(
    fc.constantFrom<Format>('jsonl', 'json', 'csv'),
    fc.constantFrom('items', 'outputs'),
    fc.integer({ min: 1, max: 6 }),
    fc.nat(),
    fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom(...'abcdefgh') }),
  )
  .chain(([format, kind, n, kSeed, tag]) =>
    (corruptions.get(`${kind}/${format}`) as fc.Arbitrary<Corruption>).map((c) => {
      // duplicates need a record before k
      const count = c.what.startsWith('duplicate') ? Math.max(n, 2) : n;
      const k = c.what.startsWith('duplicate') ? 1 + (kSeed % (count - 1)) : kSeed % count;
      const records = Array.from({ length: count }, (_, i) =>
        kind === 'items' ? item(tag, i) : output(i),
      );
      c.edit?.(records, k);
      const { text, line } = assemble(format, kind as 'items' | 'outputs', records, k, c);
      let bytes = Buffer.from(text);
      for (const [mark, replacement] of c.bytes ?? []) {
        const with_ = Buffer.isBuffer(replacement) ? replacement : Buffer.from(replacement);
        for (let at = bytes.indexOf(mark); at !== -1; at = bytes.indexOf(mark, at + with_.length))
          bytes = Buffer.concat([bytes.subarray(0, at), with_, bytes.subarray(at + mark.length)]);
      }
      return {
        format,
        what: `${kind}/${format}: ${c.what}`,
        bytes,
        line,
        slack: c.slack ?? 0,
        expected: c.expected,
      };
    }),
  );
