import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileText, MAX_LINE_BYTES } from '../../../server/files/source.ts';
import { completeLength, firstInvalidUtf8 } from '../../../server/files/utf8.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-utf8-'));
});

async function text(bytes: Buffer): Promise<string> {
  const path = join(dir, `f-${Math.random().toString(36).slice(2)}`);
  await writeFile(path, bytes);
  let out = '';
  for await (const piece of fileText(path, 'f')) out += piece;
  return out;
}

/** Strict decoding as the WHATWG encoding standard defines it: the reference. */
function fatalValid(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('strict UTF-8', () => {
  it('finds an ill-formed sequence exactly when TextDecoder (fatal) refuses the bytes', () => {
    // bytes near the multi-byte boundaries, where overlongs and surrogates hide
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xf5),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (arr) => {
        const bytes = Uint8Array.from(arr);
        expect(firstInvalidUtf8(bytes) === -1).toBe(fatalValid(bytes));
      }),
      { seed: 13, numRuns: 10_000 },
    );
  });

  it('keeps a cut-off sequence for the next chunk', () => {
    const euro = Buffer.from('€'); // e2 82 ac
    expect(completeLength(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]))).toBe(1);
    expect(completeLength(Buffer.concat([Buffer.from('a'), euro]))).toBe(4);
    expect(completeLength(Buffer.from('ab'))).toBe(2);
  });

  it('decodes characters that straddle the 1 MiB read chunks, and drops a leading BOM', async () => {
    const head = 'x'.repeat((1 << 20) - 1);
    expect(await text(Buffer.from(`\uFEFF${head}€𝄞\n`))).toBe(`${head}€𝄞\n`);
  });

  it('names the line of an invalid byte, also across chunks and at the end of the file', async () => {
    const lines = 'ok\n'.repeat(400_000); // 1.2 MB: the bad byte is in the second chunk
    await expect(
      text(Buffer.concat([Buffer.from(lines), Buffer.from([0x61, 0xc0, 0x80])])),
    ).rejects.toThrow('f:400001: invalid UTF-8 (byte 0xC0)');
    await expect(text(Buffer.from([0x61, 0x0a, 0xe2, 0x82]))).rejects.toThrow(
      'f:2: invalid UTF-8 (byte 0xE2)',
    );
  });
});

describe('line length', () => {
  it('refuses a line longer than the limit with its line, before it is held as one string', async () => {
    const path = join(dir, 'long.jsonl');
    const long = 'x'.repeat(1.5 * 2 ** 20);
    await writeFile(path, `{"a":1}\n${long}\n{"a":2}\n`);
    const read = async (maxLineBytes: number) => {
      let out = '';
      for await (const piece of fileText(path, 'f', undefined, { maxLineBytes })) out += piece;
      return out;
    };
    await expect(read(2 ** 20)).rejects.toThrow(
      'f:2: line longer than 1048576 bytes (the limit for one line of a JSONL or CSV file)',
    );
    expect((await read(2 * 2 ** 20)).length).toBe(long.length + 17);
    expect(MAX_LINE_BYTES).toBe(256 * 1024 * 1024);
  });
});
