import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { importFile } from '../../../server/imports/service.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { countRows, GIF, item, jsonl, PNG, tempDir, writeFiles } from './fixtures.ts';

describe.each(backends())('import service on %s', (backend) => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    dir = await tempDir();
  });
  afterAll(() => tdb.destroy());

  const run = (
    path: string,
    study = 'svc',
    extra: Partial<Parameters<typeof importFile>[1]> = {},
  ) => importFile(tdb.db, { study: { name: study }, path, ...extra });

  it('imports items with images and embedded outputs, and a re-import changes nothing', async () => {
    const path = await writeFiles(join(dir, 'a'), {
      'items.jsonl': jsonl([
        item(1, {
          images: ['img/1.png', `data:image/gif;base64,${GIF.toString('base64')}`],
          metadata: { source: 'pubmed' },
        }),
        item(2, { metadata: { split: 'test' } }),
        { id: 3, question: 'No outputs here?' },
      ]),
      'img/1.png': PNG,
    });
    const first = await run(path);
    expect(first).toMatchObject({
      format: 'jsonl',
      kind: 'items',
      records: 3,
      items: 3,
      itemsCreated: 3,
      outputs: 4,
      outputsCreated: 4,
      imagesCreated: 2,
      systems: ['base', 'sft'],
    });
    const rows = await queryRows<{ external_id: string; metadata: Record<string, unknown> }>(
      tdb.db,
      sql`select external_id, metadata from items order by external_id`,
    );
    expect(rows.map((r) => r.external_id)).toEqual(['3', 'q-1', 'q-2']);
    expect(rows[1]?.metadata).toEqual({ source: 'pubmed' });
    const images = await queryRows<{ mime: string; position: number; byte_length: number }>(
      tdb.db,
      sql`select mime, position, byte_length from item_images order by position`,
    );
    expect(images).toEqual([
      { mime: 'image/png', position: 0, byte_length: PNG.length },
      { mime: 'image/gif', position: 1, byte_length: GIF.length },
    ]);
    const lengths = await queryRows<{ trace_length: number; trace: string }>(
      tdb.db,
      sql`select trace, trace_length from outputs o join items i on i.id = o.item_id where i.external_id = 'q-1'`,
    );
    for (const r of lengths) expect(r.trace_length).toBe([...r.trace].length);

    const before = await countRows(tdb.db);
    const again = await run(path);
    expect(again).toMatchObject({
      itemsCreated: 0,
      outputsCreated: 0,
      imagesCreated: 0,
      records: 3,
    });
    const after = await countRows(tdb.db);
    expect(after).toEqual({ ...before, imports: before.imports + 1 });
  });

  it('rejects a conflicting re-import naming line and field, and writes nothing', async () => {
    const path = await writeFiles(join(dir, 'b'), {
      'items.jsonl': jsonl([
        item(1, { images: ['img/1.png'], metadata: { source: 'pubmed' } }),
        item(2, { reference: 'changed' }),
      ]),
      'img/1.png': PNG,
    });
    const before = await countRows(tdb.db);
    await expect(run(path)).rejects.toThrow(
      `${path}:1: field 'images': conflicts with the images of item 'q-1' already stored (re-imported records must be identical)`,
    );
    await writeFiles(join(dir, 'b'), {
      'items.jsonl': jsonl([
        item(1, {
          images: ['img/1.png', `data:image/gif;base64,${GIF.toString('base64')}`],
          metadata: { source: 'pubmed' },
        }),
        item(2, { reference: 'changed' }),
      ]),
    });
    await expect(run(path)).rejects.toThrow(
      `${path}:2: field 'reference': conflicts with item 'q-2' already stored`,
    );
    const changedTrace = item(2, { metadata: { split: 'test' } });
    changedTrace.outputs.sft.trace = 'another trace';
    await writeFiles(join(dir, 'b'), { 'items.jsonl': jsonl([item(5), changedTrace]) });
    await expect(run(path)).rejects.toThrow(
      `${path}:2: field 'outputs.sft.trace': conflicts with the output of system 'sft' for item 'q-2' already stored`,
    );
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it('imports an output file naming its system by option, and rejects unknown items with the line', async () => {
    const path = await writeFiles(join(dir, 'c'), {
      'outputs.jsonl': jsonl([
        { item: 'q-1', trace: 'third system trace', answer: 'x' },
        { item: 'q-2', trace: 'third system trace 2' },
      ]),
    });
    const result = await run(path, 'svc', { system: 'rl' });
    expect(result).toMatchObject({
      kind: 'outputs',
      outputs: 2,
      outputsCreated: 2,
      systems: ['rl'],
    });
    expect((await run(path, 'svc', { system: 'rl' })).outputsCreated).toBe(0);

    const before = await countRows(tdb.db);
    const bad = await writeFiles(join(dir, 'c2'), {
      'outputs.jsonl': jsonl([
        { item: 'q-1', system: 'new', trace: 't' },
        { item: 'nope', system: 'new', trace: 't' },
      ]),
    });
    await expect(run(bad)).rejects.toThrow(
      `${bad}:2: field 'item': expected the id of an item in this study; there is no item 'nope'`,
    );
    const noSystem = await writeFiles(join(dir, 'c3'), {
      'outputs.jsonl': jsonl([{ item: 'q-1', trace: 't' }]),
    });
    await expect(run(noSystem)).rejects.toThrow(
      `${noSystem}:1: field 'system': expected a system name (or name it with --system)`,
    );
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it('reports bad records, bad JSON, missing and non-image files, and duplicate ids precisely', async () => {
    const before = await countRows(tdb.db);
    const cases: Array<[Record<string, string | Buffer>, string]> = [
      [
        { 'x.jsonl': jsonl([item(10), { id: 'q-11', question: '' }]) },
        `:2: field 'question': expected a non-empty string`,
      ],
      [{ 'x.jsonl': `${JSON.stringify(item(10))}\n{"id": "q-11",\n` }, ':2: invalid JSON: '],
      [
        { 'x.jsonl': jsonl([item(10, { images: ['img/x.png'] })]) },
        `:1: field 'images[0]': file not found: img/x.png`,
      ],
      [
        { 'x.jsonl': jsonl([item(10, { images: ['notes.txt'] })]), 'notes.txt': 'hello' },
        `:1: field 'images[0]': expected a PNG, JPEG, GIF, WebP, SVG or DICOM image: notes.txt`,
      ],
      [
        { 'x.jsonl': jsonl([item(10, { images: ['../escape.png'] })]) },
        `:1: field 'images[0]': expected a path inside the import file's folder: ../escape.png`,
      ],
      [
        { 'x.jsonl': jsonl([item(10), item(11), item(10)]) },
        `:3: field 'id': duplicate id 'q-10' (first on line 1)`,
      ],
      [
        { 'x.jsonl': jsonl([item(10, { images: 'img/x.png' })]) },
        `:1: field 'images': expected an array of image paths or data: URIs`,
      ],
      [
        { 'x.jsonl': jsonl([item(10, { outputs: { base: { trace: 't', score: 3 } } })]) },
        `:1: field 'outputs.base.score': unknown field (expected only trace and answer)`,
      ],
      [
        // zod would drop this key without a word: an output for system '__proto__' would vanish
        { 'x.jsonl': '{"id":"q-10","question":"Q?","outputs":{"__proto__":{"trace":"t"}}}\n' },
        `:1: field 'outputs.__proto__': a name other than '__proto__'`,
      ],
      [
        // a misspelt key used to import with both traces stored as metadata
        { 'x.jsonl': jsonl([{ id: 'q-10', question: 'Q?', ouputs: item(10).outputs }]) },
        `:1: field 'ouputs': unknown field; did you mean 'outputs'?`,
      ],
      [
        { 'x.jsonl': jsonl([item(10, { metadata: null })]) },
        `:1: field 'metadata': expected an object (null is not allowed; leave it out)`,
      ],
      [
        // used to become metadata, leaving the answer silently empty
        { 'x.csv': 'id,question,outputs.base.trace,outputs.base.answr\nq-10,Q?,t,a\n' },
        `:2: field 'outputs.base.answr': unknown field; did you mean 'outputs.base.answer'?`,
      ],
      [
        { 'x.csv': 'id,question,outputs.fa.bogus\nq-10,Q?,x\n' },
        `:2: field 'outputs.fa.bogus': unknown field (expected outputs.SYSTEM.trace or outputs.SYSTEM.answer)`,
      ],
    ];
    for (const [i, [files, expected]] of cases.entries()) {
      const path = await writeFiles(join(dir, `d${i}`), files);
      const err = await run(path).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message.startsWith(`${path}${expected}`), `${err?.message} ≠ ${expected}`).toBe(
        true,
      );
    }
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it('refuses deep nesting, NUL, lone surrogates and invalid UTF-8 with the line, writing nothing', async () => {
    const before = await countRows(tdb.db);
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const bytes = (...parts: Array<string | number[]>) =>
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const ok = JSON.stringify(item(60));
    const cases: Array<[Record<string, string | Buffer>, string]> = [
      [
        // used to overflow the stack: HTTP 500, CLI exit 1 without FILE:LINE
        { 'x.jsonl': `${ok}\n{"id":"q-61","question":"Q?","metadata":${deep(10_000)}}\n` },
        `:2: field 'metadata': nested deeper than 32 levels`,
      ],
      [
        { 'x.jsonl': `{"id":"q-61","question":"Q?","metadata":{"a":${deepArray(100_000)}}}\n` },
        `:1: field 'metadata': nested deeper than 32 levels`,
      ],
      [
        { 'x.json': `[\n${ok},\n{"id":"q-61","question":"Q?","metadata":${deep(10_000)}}\n]\n` },
        `:3: field 'metadata': nested deeper than 32 levels`,
      ],
      [
        { 'x.csv': `id,question,metadata\nq-61,Q?,"${deep(10_000).replaceAll('"', '""')}"\n` },
        `:2: field 'metadata': nested deeper than 32 levels`,
      ],
      [
        { 'x.jsonl': `${ok}\n{"id":"q-61","question":"Q\\u0000?"}\n` },
        `:2: field 'question': contains U+0000 (NUL) at character 2`,
      ],
      [
        { 'x.csv': `id,question\nq-61,"Q\u0000"\n` },
        `:2: field 'question': contains U+0000 (NUL) at character 2`,
      ],
      [
        { 'x.jsonl': `{"id":"q-61","question":"Q?","metadata":{"k":"\\ud800x"}}\n` },
        `:1: field 'metadata.k': contains a lone surrogate U+D800 at character 1 (not valid Unicode text)`,
      ],
      [
        // invalid UTF-8 used to be stored as U+FFFD with exit 0
        { 'x.jsonl': bytes(`${ok}\n`, '{"id":"q-61","question":"', [0xff, 0xfe], '"}\n') },
        `:2: invalid UTF-8 (byte 0xFF)`,
      ],
      [
        { 'x.json': bytes(`[\n${ok},\n{"id":"q-61",\n"question":"`, [0xc3, 0x28], '"}]') },
        `:4: invalid UTF-8 (byte 0xC3)`,
      ],
      [
        { 'x.csv': bytes('id,question\nq-61,ok\nq-62,"two\nlines ', [0xed, 0xa0, 0x80], '"\n') },
        `:4: invalid UTF-8 (byte 0xED)`,
      ],
    ];
    for (const [i, [files, expected]] of cases.entries()) {
      const path = await writeFiles(join(dir, `g${i}`), files);
      const err = await run(path).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message, `case ${i}`).toBe(`${path}${expected}`);
    }
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it('refuses a --system or --study name holding NUL or a lone surrogate before touching the database', async () => {
    const before = await countRows(tdb.db);
    const path = await writeFiles(join(dir, 'h'), {
      'outputs.jsonl': jsonl([{ item: 'q-1', trace: 't' }]),
    });
    await expect(run(path, 'svc', { system: 'rl\u0000' })).rejects.toThrow(
      `${path}: --system: contains U+0000 (NUL) at character 3`,
    );
    await expect(run(path, 'svc\ud800', { system: 'rl' })).rejects.toThrow(
      `${path}: --study: contains a lone surrogate U+D800 at character 4 (not valid Unicode text)`,
    );
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it("reads a --system name as a record's: trimmed, in Unicode NFC, without control characters", async () => {
    const path = await writeFiles(join(dir, 'nfc'), {
      'outputs.jsonl': jsonl([{ item: 'q-1', trace: 'nfc trace' }]),
    });
    const before = await countRows(tdb.db);
    await expect(run(path, 'svc', { system: 'r\nl' })).rejects.toThrow(
      `${path}: --system: a name without control characters (U+000A at 2)`,
    );
    await expect(run(path, 'svc', { system: '  ' })).rejects.toThrow(
      `${path}: --system: expected a non-empty string`,
    );
    expect(await countRows(tdb.db)).toEqual(before);
    // ' café' typed with a combining accent is the system 'café', as stats reads it in an export
    const result = await run(path, 'svc', { system: ' cafe\u0301 ' });
    expect(result.systems).toEqual(['caf\u00e9']);
    const names = await queryRows<{ name: string }>(
      tdb.db,
      sql`select name from systems where name like 'caf%'`,
    );
    expect(names).toEqual([{ name: 'caf\u00e9' }]);
  });

  it('imports 11,000 items with an image each: image rows go in batches PostgreSQL accepts', async () => {
    // 16 MiB of 71-byte PNGs is 236,000 rows of 6 parameters each, past PostgreSQL's 65,535 per
    // statement: an internal error with a 2.9 MB dump of the bytes (an import audit)
    const png = `data:image/png;base64,${PNG.toString('base64')}`;
    const records = Array.from({ length: 11_000 }, (_, k) => ({
      id: `many-${k}`,
      question: `Question ${k}?`,
      images: [png],
    }));
    const path = await writeFiles(join(dir, 'many-images'), { 'items.jsonl': jsonl(records) });
    const result = await run(path, 'many-images');
    expect(result).toMatchObject({ itemsCreated: 11_000, imagesCreated: 11_000 });
  }, 120_000);

  it('rolls back every batch already written when a later batch conflicts', async () => {
    const before = await countRows(tdb.db);
    // q-2 exists with other content: its record sits after two full batches of new items
    const records = Array.from({ length: 1200 }, (_, k) => item(1000 + k));
    records.push(item(2, { question: 'a different question' }));
    const path = await writeFiles(join(dir, 'e'), { 'many.jsonl': jsonl(records) });
    await expect(run(path)).rejects.toThrow(
      `${path}:1201: field 'question': conflicts with item 'q-2' already stored`,
    );
    expect(await countRows(tdb.db)).toEqual(before);
  });

  it('imports a JSON array and a CSV file with the same records, reporting lines for both', async () => {
    const records = [
      item(20, { images: ['i.png'] as string[] }),
      item(21, { images: [] as string[] }),
    ];
    const jsonPath = await writeFiles(join(dir, 'f'), {
      'items.json': `[\n${records.map((r) => '  ' + JSON.stringify(r, null, 1).replaceAll('\n', ' ')).join(',\n')}\n]\n`,
      'i.png': PNG,
    });
    expect(await run(jsonPath, 'arr')).toMatchObject({
      format: 'json',
      itemsCreated: 2,
      outputsCreated: 4,
    });

    const header =
      'id,question,images,reference,modality,outputs.base.trace,outputs.base.answer,outputs.sft.trace,outputs.sft.answer,metadata.source';
    const rows = records.map((r) =>
      [
        r.id,
        r.question,
        r.images.join('|'),
        r.reference,
        r.modality,
        r.outputs.base.trace,
        r.outputs.base.answer,
        r.outputs.sft.trace,
        r.outputs.sft.answer,
        '',
      ]
        .map((c) => `"${String(c).replaceAll('"', '""')}"`)
        .join(','),
    );
    const csvPath = await writeFiles(join(dir, 'f'), {
      'items.csv': [header, ...rows].join('\n') + '\n',
    });
    // identical content to the JSON array: nothing new
    expect(await run(csvPath, 'arr')).toMatchObject({
      format: 'csv',
      itemsCreated: 0,
      outputsCreated: 0,
    });

    const badCsv = await writeFiles(join(dir, 'f'), {
      'bad.csv': `id,question\nq-30,"multi\nline"\nq-31,\n`,
    });
    await expect(run(badCsv, 'arr')).rejects.toThrow(
      `${badCsv}:4: field 'question': expected a non-empty string`,
    );
    const badJson = await writeFiles(join(dir, 'f'), {
      'bad.json': `[\n {"id": "q-40",\n  "question": "ok"},\n {"id": "q-41",\n  "question": 7}\n]`,
    });
    await expect(run(badJson, 'arr')).rejects.toThrow(
      `${badJson}:4: field 'question': expected a non-empty string`,
    );
  });
});
