import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { ImportError } from '../import-error.ts';
import {
  fileText,
  MAX_LINE_BYTES,
  type RawRecord,
  type SourceTap,
  type TextOptions,
} from './source.ts';

/** JSON Lines: one record per non-blank line of strict UTF-8, read with node:readline. */
export async function* readJsonl(
  path: string,
  displayName: string,
  tap?: SourceTap,
  { maxLineBytes = MAX_LINE_BYTES }: TextOptions = {},
): AsyncGenerator<RawRecord> {
  const input = Readable.from(fileText(path, displayName, tap, { maxLineBytes }));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
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
