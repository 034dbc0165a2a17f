import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { CsvLines } from '../files/csv-lines.ts';
import { JudgmentsFileError } from './read-errors.ts';
import { addJudgmentRecord } from './read-jsonl.ts';
import type { VerdictTableBuilder } from './verdict-table.ts';

const NUMERIC = new Set(['len_a', 'len_b', 'strength']);

/**
 * Turns a CSV row into a judgments record: empty cells are absent, numeric columns are numbers,
 * axes come from `axis:<name>` (or `axis_<name>`) columns or from an `axes` column holding JSON.
 */
function rowToRecord(
  row: Record<string, string>,
  file: string,
  line: number,
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  // no prototype: an `axis:__proto__` column stays a key, and the record's check refuses it
  const axes = Object.create(null) as Record<string, string>;
  for (const [key, raw] of Object.entries(row)) {
    const value = raw.trim();
    if (value === '') continue;
    if (key.startsWith('axis:') || key.startsWith('axis_')) {
      const name = key.slice(5).trim();
      if (Object.hasOwn(axes, name))
        throw new JudgmentsFileError(file, line, `axes.${name}`, 'two columns name this axis');
      axes[name] = value;
    } else if (key === 'axes') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new JudgmentsFileError(file, line, 'axes', 'expected a JSON object');
      for (const [ax, side] of Object.entries(parsed)) axes[ax] = side as string;
    } else if (NUMERIC.has(key)) {
      // every cell is a string, so zod's "expected number, received string" would not help
      const n = Number(value);
      if (Number.isNaN(n))
        throw new JudgmentsFileError(file, line, key, `'${value}' is not a number`);
      if (!Number.isFinite(n))
        throw new JudgmentsFileError(file, line, key, `'${value}' is not a finite number`);
      record[key] = n;
    } else record[key] = value;
  }
  if (Object.keys(axes).length > 0) record.axes = axes;
  return record;
}

/**
 * Streams a CSV judgments file (header row with the DESIGN.md field names). A record is reported
 * at its first line, also when quoted cells make it span several.
 */
export async function readCsv(
  file: string,
  builder: VerdictTableBuilder,
  displayName = file,
): Promise<number> {
  const parser = createReadStream(file).pipe(
    parse({
      columns: true,
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }),
  );
  let records = 0;
  const lines = new CsvLines();
  try {
    for await (const entry of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const line = lines.start(entry.info.lines, Object.values(entry.record));
      addJudgmentRecord(builder, rowToRecord(entry.record, displayName, line), displayName, line);
      records++;
    }
  } catch (err) {
    if (err instanceof JudgmentsFileError) throw err;
    const e = err as Error & { lines?: number; code?: string };
    throw new JudgmentsFileError(
      displayName,
      e.lines === undefined ? 0 : lines.atError(e.lines),
      '(row)',
      `invalid CSV: ${e.message}`,
    );
  }
  return records;
}
