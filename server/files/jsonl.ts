import { LineSplitter } from './lines.ts';
import { FileRecordError } from './record-error.ts';
import { fileText, type FileRecord, type SourceTap, type TextOptions } from './source.ts';

/** JSON Lines: one record per non-blank line of strict UTF-8 (lines split as node:readline does). */
export async function* readJsonl(
  path: string,
  displayName: string,
  tap?: SourceTap,
  options?: TextOptions,
): AsyncGenerator<FileRecord> {
  const splitter = new LineSplitter();
  let line = 0;
  const parse = (text: string): FileRecord | null => {
    line++;
    if (text.trim() === '') return null;
    try {
      return { line, value: JSON.parse(text) as unknown };
    } catch (err) {
      throw new FileRecordError(displayName, line, `invalid JSON: ${(err as Error).message}`);
    }
  };
  for await (const text of fileText(path, displayName, tap, options)) {
    for (const piece of splitter.push(text)) {
      const record = parse(piece);
      if (record) yield record;
    }
  }
  const last = splitter.end();
  const record = last === null ? null : parse(last);
  if (record) yield record;
}
