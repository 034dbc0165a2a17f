import { execFileSync } from 'node:child_process';
import { mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkImage, decodeDataUri, detectImageMime } from '../../../server/imports/images.ts';
import { formatFromFileName, readRecords } from '../../../server/files/read-records.ts';
import type { FileRecord } from '../../../server/files/source.ts';

/** A PNG signature: the bytes an image check reads first. */
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-readers-'));
});

async function read(format: 'jsonl' | 'json' | 'csv', text: string): Promise<FileRecord[]> {
  const path = join(dir, `f-${Math.random().toString(36).slice(2)}`);
  await writeFile(path, text);
  const out: FileRecord[] = [];
  for await (const r of readRecords(format, path, 'f')) out.push(r);
  return out;
}

describe('readers', () => {
  it('JSONL: numbers lines from 1, skips blank lines, reports bad JSON with its line', async () => {
    expect(await read('jsonl', '\uFEFF{"a":1}\n\n{"a":2}\r\n')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
    ]);
    await expect(read('jsonl', '{"a":1}\n{"a":\n')).rejects.toThrow(/^f:2: invalid JSON: /);
  });

  it('JSON array: gives the line each record starts on', async () => {
    const text = '[\n  {"a": 1},\n  {\n    "a": 2,\n    "b": [1,\n 2]\n  }, {"a": 3}\n]\n';
    expect(await read('json', text)).toEqual([
      { line: 2, value: { a: 1 } },
      { line: 3, value: { a: 2, b: [1, 2] } },
      { line: 7, value: { a: 3 } },
    ]);
    expect(await read('json', '[{"a":1},{"a":2}]')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 1, value: { a: 2 } },
    ]);
  });

  it('JSON array: reports syntax errors and a non-array document with the line', async () => {
    await expect(read('json', '[\n{"a": 1},\n{"a": tru}\n]')).rejects.toThrow(
      /^f:3: invalid JSON: /,
    );
    await expect(read('json', '[\n{"a": 1}\n')).rejects.toThrow(/^f:3: invalid JSON: /);
    await expect(read('json', '\n{"a": 1}')).rejects.toThrow(
      'f:2: invalid JSON: expected an array of records',
    );
    await expect(read('json', '')).rejects.toThrow(/^f:1: invalid JSON/);
  });

  it('CSV: gives the line each record starts on, also after multi-line cells', async () => {
    expect(await read('csv', 'id,question\nq1,"two\nlines"\n\nq2,x\n')).toEqual([
      { line: 2, value: { id: 'q1', question: 'two\nlines' } },
      { line: 5, value: { id: 'q2', question: 'x' } },
    ]);
    await expect(read('csv', 'id,question\nq1,a,extra\n')).rejects.toThrow(/^f:2: invalid CSV: /);
    // a row with a cell too many is named by the line it starts on, like every other row error
    await expect(read('csv', 'id,question\nq1,"two\nlines",extra\n')).rejects.toThrow(
      'f:2: invalid CSV: Invalid Record Length: columns length is 2, got 3',
    );
  });

  it('CSV: counts a CRLF inside a quoted cell as one line, as an editor does', async () => {
    const crlf = 'id,question\r\nq1,"two\r\nlines"\r\nq2,x\r\nq3,"a\r\nb\r\nc"\r\nq4,y\r\n';
    expect((await read('csv', crlf)).map((r) => r.line)).toEqual([2, 4, 5, 8]);
    await expect(read('csv', `${crlf}q5,"z\r\nw",extra\r\n`)).rejects.toThrow(
      /^f:9: invalid CSV: /,
    );
  });

  it('CSV: names a semicolon or tab delimiter instead of a generic error', async () => {
    await expect(read('csv', 'id;question;reference\nq1;Hello, world;x\n')).rejects.toThrow(
      "f:1: invalid CSV: the header is one column 'id;question;reference': the file looks semicolon-separated; expected commas",
    );
    await expect(read('csv', 'id\tquestion\nq1\tQ?\n')).rejects.toThrow(
      "f:1: invalid CSV: the header is one column 'id\\u0009question': the file looks tab-separated; expected commas",
    );
    // one column without another delimiter is a header like any other
    expect(await read('csv', 'id\nq1\n')).toEqual([{ line: 2, value: { id: 'q1' } }]);
  });

  it('CSV: refuses a column named twice in the header (the last copy silently won)', async () => {
    await expect(read('csv', 'item,a,b,winner,judge,winner\nq1,x,y,a,j,b\n')).rejects.toThrow(
      "f:1: invalid CSV: the header names column 'winner' twice (columns 4 and 6)",
    );
    // also once trimmed, as the readers trim names
    await expect(read('csv', 'id,question, id\nq1,Q?,q2\n')).rejects.toThrow(
      "f:1: invalid CSV: the header names column 'id' twice (columns 1 and 3)",
    );
  });

  it('CSV: an unclosed quote is named at the line its row starts on, not at the end of the file', async () => {
    await expect(
      read('csv', 'item,a,b\nq1,x,y\nq2,x,"unterminated\nq3,x,y\nq4,x,y\nq5,x,y\n'),
    ).rejects.toThrow(
      'f:3: invalid CSV: a quoted cell of this row is never closed (the quote runs to the end of the file)',
    );
  });

  it('JSONL and CSV: refuse a line past the line limit with its line; JSON arrays have none', async () => {
    const long = 'x'.repeat(1.5 * 2 ** 20);
    const options = { maxLineBytes: 2 ** 20 };
    const readWith = async (format: 'jsonl' | 'json' | 'csv', text: string) => {
      const path = join(dir, `long-${format}`);
      await writeFile(path, text);
      const out: FileRecord[] = [];
      for await (const r of readRecords(format, path, 'f', undefined, options)) out.push(r);
      return out;
    };
    const refusal =
      'line longer than 1048576 bytes (the limit for one line of a JSONL or CSV file)';
    await expect(readWith('jsonl', `{"a":1}\n\n{"a":"${long}"}\n`)).rejects.toThrow(
      `f:3: ${refusal}`,
    );
    await expect(readWith('csv', `a\n1\n${long}\n`)).rejects.toThrow(`f:3: ${refusal}`);
    expect(await readWith('json', `[{"a":"${long}"}]`)).toHaveLength(1);
  });

  it('takes the format from the extension', () => {
    expect(formatFromFileName('a.JSONL')).toBe('jsonl');
    expect(formatFromFileName('a.ndjson')).toBe('jsonl');
    expect(formatFromFileName('a.json')).toBe('json');
    expect(formatFromFileName('a.csv')).toBe('csv');
    expect(formatFromFileName('a.txt')).toBeNull();
  });
});

describe('images', () => {
  it('recognises images by their magic bytes', () => {
    expect(detectImageMime(Buffer.from('89504e470d0a1a0a', 'hex'))).toBe('image/png');
    expect(detectImageMime(Buffer.from('ffd8ffe0', 'hex'))).toBe('image/jpeg');
    expect(detectImageMime(Buffer.from('GIF89a'))).toBe('image/gif');
    expect(detectImageMime(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(
      detectImageMime(
        Buffer.from('<?xml version="1.0"?>\n<!-- c -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      ),
    ).toBe('image/svg+xml');
    expect(detectImageMime(Buffer.from('hello'))).toBeNull();
    expect(detectImageMime(Buffer.from('<html><svg></svg></html>'))).toBeNull();
  });

  it('decodes data: URIs and refuses paths outside the folder, URLs and non-images', async () => {
    expect(decodeDataUri('data:image/svg+xml,%3Csvg%3E%3C/svg%3E')?.toString()).toBe('<svg></svg>');
    expect(decodeDataUri('data:image/png;base64,!!')).toBeNull();
    expect(await checkImage('data:text/plain;base64,aGVsbG8=', dir)).toEqual({
      ok: false,
      expected: 'expected a PNG, JPEG, GIF, WebP, SVG or DICOM image: data: URI',
    });
    expect(await checkImage('/etc/passwd', dir)).toMatchObject({
      ok: false,
      expected: "expected a path inside the import file's folder: /etc/passwd",
    });
    expect(await checkImage('a/../../x.png', dir)).toMatchObject({ ok: false });
    expect(await checkImage('https://example.org/x.png', dir)).toMatchObject({ ok: false });
    expect(await checkImage('nope.png', dir)).toEqual({
      ok: false,
      expected: 'file not found: nope.png',
    });
  });

  it('refuses a path that is not a regular file without reading it (a FIFO hung the import)', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo.png')]);
    expect(await checkImage('fifo.png', dir)).toEqual({
      ok: false,
      expected: 'expected a regular file: fifo.png',
    });
  });

  it('refuses an image over 900 MiB in one line (over 1 GB failed with "Failed query: rollback")', async () => {
    const big = join(dir, 'big.png');
    await writeFile(big, PNG_HEAD);
    await truncate(big, 901 * 1024 * 1024);
    expect(await checkImage('big.png', dir)).toEqual({
      ok: false,
      expected: 'an image of at most 900 MiB (this one is 901 MiB): big.png',
    });
  });
});
