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
  // a column named twice: csv-parse keeps the last copy's cells without a word
  const seen = new Map<string, number>();
  header.forEach((column, k) => {
    const name = column.trim();
    const first = seen.get(name);
    if (first !== undefined)
      throw new FileRecordError(
        displayName,
        1,
        `invalid CSV: the header names column '${name}' twice (columns ${first + 1} and ${k + 1})`,
      );
    seen.set(name, k);
  });
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
  const lines = new CsvLines();
  // csv-parse's line count at the end of the last record parsed (the header's is 1)
  let lastEnd = 1;
  const parser = parse({
    columns: (header: string[]) => checkHeader(header, displayName),
    info: true,
    skip_empty_lines: true,
    relax_column_count: false,
    // as each record is parsed, not as it is read from the stream: an error later in the same
    // chunk ends the stream before the records parsed ahead of it are read, and their line breaks
    // must still count for the error's line
    on_record: (row: { record: Record<string, string>; info: { lines: number } }): FileRecord => {
      lastEnd = row.info.lines;
      return { line: lines.start(row.info.lines, Object.values(row.record)), value: row.record };
    },
  });
  // pipe() does not forward errors: a bad byte in the source must end the parse
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<FileRecord>) yield record;
  } catch (err) {
    if (err instanceof FileRecordError) throw err;
    const e = err as { message: string; code?: string; lines?: number; record?: unknown };
    // the quote ran to the end of the file, which is where csv-parse counts: the row started
    // on the line after the last record read
    if (e.code === 'CSV_QUOTE_NOT_CLOSED')
      throw new FileRecordError(
        displayName,
        lines.atError(lastEnd + 1),
        'invalid CSV: a quoted cell of this row is never closed (the quote runs to the end of the file)',
      );
    // csv-parse counts to the row's end; a row is named by the line it starts on
    const line =
      e.lines === undefined
        ? null
        : lines.atError(e.lines, Array.isArray(e.record) ? (e.record as string[]) : undefined);
    // csv-parse's own line count (at the row's end, CRLF counted twice) would contradict ours
    const message = e.message.replace(/ on line \d+$/, '').replace(/ at line \d+/, '');
    throw new FileRecordError(displayName, line, `invalid CSV: ${message}`);
  } finally {
    source.destroy();
    parser.destroy();
  }
}
