import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportError } from '../import-error.ts';
import { fileText, type RawRecord, type SourceTap } from './source.ts';

function countNewlines(record: Record<string, string>): number {
  let n = 0;
  for (const cell of Object.values(record)) {
    for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/** CSV with a header row; each record's line is where it starts (quoted cells may span lines). */
export async function* readCsv(
  path: string,
  displayName: string,
  tap?: SourceTap,
): AsyncGenerator<RawRecord> {
  const source = Readable.from(fileText(path, displayName, tap));
  const parser = parse({
    columns: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: false,
  });
  // pipe() does not forward errors: a bad byte in the source must end the parse
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { line: row.info.lines - countNewlines(row.record), value: row.record };
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const e = err as { message: string; lines?: number };
    throw new ImportError(displayName, e.lines ?? null, `invalid CSV: ${e.message}`);
  } finally {
    source.destroy();
    parser.destroy();
  }
}
