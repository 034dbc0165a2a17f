import { FileRecordError } from '../files/record-error.ts';

const NUMERIC = new Set(['len_a', 'len_b', 'strength']);

/** A number as JSON and CSV tools write it: decimal digits, a sign, a point, an exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Turns a CSV row into a judgments record: empty cells are absent, numeric columns are numbers,
 * axes come from `axis:<name>` (or `axis_<name>`) columns or from an `axes` column holding JSON.
 */
export function rowToRecord(
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
        throw FileRecordError.field(file, line, `axes.${name}`, 'two columns name this axis');
      axes[name] = value;
    } else if (key === 'axes') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw FileRecordError.field(file, line, 'axes', 'expected a JSON object');
      for (const [ax, side] of Object.entries(parsed)) axes[ax] = side as string;
    } else if (NUMERIC.has(key)) {
      // every cell is a string, so zod's "expected number, received string" would not help;
      // Number() also reads 0x10, 0b11, 0o17 and Infinity, which JSONL refuses: decimals only
      const n = Number(value);
      if (!DECIMAL.test(value))
        throw FileRecordError.field(
          file,
          line,
          key,
          `'${value}' is not ${Number.isNaN(n) ? 'a' : 'a decimal'} number`,
        );
      if (!Number.isFinite(n))
        throw FileRecordError.field(file, line, key, `'${value}' is not a finite number`);
      record[key] = n;
    } else record[key] = value;
  }
  if (Object.keys(axes).length > 0) record.axes = axes;
  return record;
}
