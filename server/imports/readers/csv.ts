import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportError } from '../import-error.ts';
import { fileChunks, type RawRecord, type SourceTap } from './source.ts';

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
  const parser = Readable.from(fileChunks(path, tap)).pipe(
    parse({
      columns: true,
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }),
  );
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
    parser.destroy();
  }
}
