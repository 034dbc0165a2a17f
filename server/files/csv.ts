import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { CsvLines } from './csv-lines.ts';
import { FileRecordError } from './record-error.ts';
import { fileText, type FileRecord, type SourceTap, type TextOptions } from './source.ts';

const OTHER_DELIMITERS: Array<[string, string]> = [
  [';', 'semicolon'],
  ['\t', 'tab'],
  ['|', 'pipe'],
];

/**
 * A header read as a single column holding another delimiter is a file written with that
 * delimiter (a spreadsheet set to a locale with decimal commas writes semicolons): say so.
 */
function checkHeader(header: string[], displayName: string): string[] {
  const only = header[0];
  if (header.length === 1 && only !== undefined) {
    const other = OTHER_DELIMITERS.find(([d]) => only.includes(d));
    if (other)
      throw new FileRecordError(
        displayName,
        1,
        `invalid CSV: the header is one column '${only}': the file looks ${other[1]}-separated; expected commas`,
      );
  }
  return header;
}

/** CSV with a header row; each record's line is where it starts (quoted cells may span lines). */
export async function* readCsv(
  path: string,
  displayName: string,
  tap?: SourceTap,
  options?: TextOptions,
): AsyncGenerator<FileRecord> {
  const source = Readable.from(fileText(path, displayName, tap, options));
  const parser = parse({
    columns: (header: string[]) => checkHeader(header, displayName),
    info: true,
    skip_empty_lines: true,
    relax_column_count: false,
  });
  // pipe() does not forward errors: a bad byte in the source must end the parse
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  const lines = new CsvLines();
  try {
    for await (const row of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { line: lines.start(row.info.lines, Object.values(row.record)), value: row.record };
    }
  } catch (err) {
    if (err instanceof FileRecordError) throw err;
    const e = err as { message: string; lines?: number; record?: unknown };
    // csv-parse counts to the row's end; a row is named by the line it starts on
    const line =
      e.lines === undefined
        ? null
        : lines.atError(e.lines, Array.isArray(e.record) ? (e.record as string[]) : undefined);
    const message = e.message.replace(/ on line \d+$/, '');
    throw new FileRecordError(displayName, line, `invalid CSV: ${message}`);
  } finally {
    source.destroy();
    parser.destroy();
  }
}
