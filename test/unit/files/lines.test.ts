import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../server/files/lines.ts';

async function viaReadline(chunks: string[]): Promise<string[]> {
  const lines: string[] = [];
  const rl = createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
  for await (const line of rl) lines.push(line);
  return lines;
}

function viaSplitter(chunks: string[]): string[] {
  const splitter = new LineSplitter();
  const lines = chunks.flatMap((c) => splitter.push(c));
  const last = splitter.end();
  return last === null ? lines : [...lines, last];
}

describe('LineSplitter', () => {
  it('splits LF, CRLF and a lone CR as node:readline does, wherever the chunks are cut', async () => {
    // never an empty chunk: the file's text comes in non-empty pieces (readline resets on one)
    const text = fc
      .array(fc.constantFrom('a', 'b', '\n', '\r', '\r\n', ' '), { minLength: 1, maxLength: 40 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(text, { maxLength: 6 }), async (chunks) => {
        expect(viaSplitter(chunks)).toEqual(await viaReadline(chunks));
      }),
      { numRuns: 500 },
    );
  });

  it('gathers a line spread over many chunks without a break into one line', () => {
    const chunk = 'x'.repeat(1 << 16);
    const splitter = new LineSplitter();
    for (let k = 0; k < 64; k++) expect(splitter.push(chunk)).toEqual([]);
    const [line, ...rest] = splitter.push('y\nz');
    expect([line?.length, rest, splitter.end()]).toEqual([64 * (1 << 16) + 1, [], 'z']);
    // a CR held back at a chunk's end ends its line when the next chunk has no break
    expect(viaSplitter(['a', 'b\r', 'c', 'd'])).toEqual(['ab', 'cd']);
    expect(viaSplitter(['a\r', '', 'b'])).toEqual(['a', 'b']);
  });

  it('keeps a CRLF split across two chunks one break', () => {
    expect(viaSplitter(['a\r', '\nb'])).toEqual(['a', 'b']);
    expect(viaSplitter(['a\r'])).toEqual(['a']);
    expect(viaSplitter([''])).toEqual([]);
  });
});
