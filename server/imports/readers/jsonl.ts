import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { ImportError } from '../import-error.ts';
import { fileChunks, type RawRecord, type SourceTap } from './source.ts';

/** JSON Lines: one record per non-blank line, read with node:readline. */
export async function* readJsonl(
  path: string,
  displayName: string,
  tap?: SourceTap,
): AsyncGenerator<RawRecord> {
  const input = Readable.from(fileChunks(path, tap));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      // a byte-order mark may open the file
      const body = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      if (body.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (err) {
        throw new ImportError(displayName, line, `invalid JSON: ${(err as Error).message}`);
      }
      yield { line, value };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
