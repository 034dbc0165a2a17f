import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { readParquet } from '../../../server/files/parquet.ts';
import type { FileRecord } from '../../../server/files/source.ts';

async function all(path: string, tap = {}): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const r of readParquet(path, 'f.parquet', tap)) out.push(r);
  return out;
}

describe('readParquet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ta-parquet-'));
  });

  it('yields each row as a record numbered from 1 across row groups, nulls left out', async () => {
    const path = join(dir, 'a.parquet');
    parquetWriteFile({
      filename: path,
      rowGroupSize: 2,
      columnData: [
        { name: 'id', data: [1n, 2n, 3n], type: 'INT64' },
        { name: 'question', data: ['q1', null, 'q3'], type: 'STRING' },
        { name: 'when', data: [new Date(0), null, null], type: 'TIMESTAMP' },
        { name: 'outputs', data: [{ a: { trace: 't', answer: null } }, null, {}], type: 'JSON' },
      ],
    });
    let hash = '';
    const bytes: number[] = [];
    const rows = await all(path, {
      onHash: (h: string) => (hash = h),
      onBytes: (b: number) => bytes.push(b),
    });
    expect(rows).toEqual([
      {
        line: 1,
        value: {
          id: 1,
          question: 'q1',
          when: '1970-01-01T00:00:00.000Z',
          outputs: { a: { trace: 't' } },
        },
      },
      { line: 2, value: { id: 2 } },
      { line: 3, value: { id: 3, question: 'q3', outputs: {} } },
    ]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(bytes).toHaveLength(2);
  });

  it('refuses what JSON cannot hold naming the row and column, and a file that is not Parquet', async () => {
    const path = join(dir, 'b.parquet');
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: 'score', data: [1.5, Number.NaN], type: 'DOUBLE' },
        { name: 'blob', data: [null, null], type: 'BYTE_ARRAY' },
      ],
    });
    await expect(all(path)).rejects.toThrow(
      "f.parquet:2: field 'score': expected a finite number; found NaN",
    );
    const bytes = join(dir, 'c.parquet');
    parquetWriteFile({
      filename: bytes,
      columnData: [{ name: 'blob', data: [new Uint8Array([1, 2])], type: 'BYTE_ARRAY' }],
    });
    await expect(all(bytes)).rejects.toThrow(
      "f.parquet:1: field 'blob': expected text; the column holds raw bytes (BYTE_ARRAY without a UTF8 annotation)",
    );
    const latin1 = join(dir, 'e.parquet');
    parquetWriteFile({
      filename: latin1,
      statistics: false,
      columnData: [{ name: 'question', data: ['ok1', 'ok2'], type: 'STRING' }],
    });
    // a Latin-1 byte in the second row's text: 'ok2' -> 0xE9 'k2'
    const raw = await readFile(latin1);
    const at = raw.indexOf(Buffer.from('ok2'));
    raw[at] = 0xe9;
    await writeFile(latin1, raw);
    await expect(all(latin1)).rejects.toThrow(
      "f.parquet:2: field 'question': invalid UTF-8 (byte 0xE9)",
    );
    // a struct field named __proto__ was dropped without a word (an import audit)
    const proto = join(dir, 'p.parquet');
    parquetWriteFile({
      filename: proto,
      columnData: [
        { name: 'id', data: ['p1'] },
        { name: 'metadata', data: [JSON.parse('{"__proto__":"a","ok":"b"}') as object] },
      ],
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'metadata', repetition_type: 'REQUIRED', num_children: 2 },
        {
          name: '__proto__',
          type: 'BYTE_ARRAY',
          converted_type: 'UTF8',
          repetition_type: 'OPTIONAL',
        },
        { name: 'ok', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    });
    await expect(all(proto)).rejects.toThrow(
      "f.parquet: field 'metadata.__proto__': a name other than '__proto__'",
    );
    const text = join(dir, 'd.parquet');
    await writeFile(text, '{"id": 1}\n');
    await expect(all(text)).rejects.toThrow(/^f\.parquet: invalid Parquet: /);
  });
});
