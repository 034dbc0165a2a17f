import { FileRecordError } from '../files/record-error.ts';

const NUMERIC = new Set(['len_a', 'len_b', 'strength']);

/** Free text, kept as written (a name is trimmed; an output's whitespace is part of its length). */
const TEXT = new Set(['output_a', 'output_b']);

/** A header that means an axis but is not read as one: `Axis:p`, `axis-p`, `Axes`, `axis p`. */
const AXIS_LIKE = /^ax[ie]s/i;

/** A header name as read: trimmed as cells are, and whether it looks like an axis but is not one. */
interface Column {
  key: string;
  axisLike: boolean;
}

/** Each header name classified once, not per row (a file has a handful; bounded all the same). */
const COLUMNS = new Map<string, Column>();

function columnOf(name: string): Column {
  let c = COLUMNS.get(name);
  if (c === undefined) {
    // trimmed as cells are (csv.ts's duplicate check already compares them so)
    const key = name.trim();
    const axis = key === 'axes' || key.startsWith('axis:') || key.startsWith('axis_');
    c = { key, axisLike: !axis && AXIS_LIKE.test(key) };
    if (COLUMNS.size < 10_000) COLUMNS.set(name, c);
  }
  return c;
}

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
  // an axis named by an `axis:` column and by the `axes` cell: refused, as two columns are
  let fromColumns: Set<string> | null = null;
  for (const [column, raw] of Object.entries(row)) {
    const { key, axisLike } = columnOf(column);
    // refused whatever its cells hold: its verdicts would be dropped without a word
    if (axisLike)
      throw FileRecordError.field(
        file,
        1,
        key,
        `this column is not read: an axis column is named axis:NAME or axis_NAME (lower case), and 'axes' holds a JSON object`,
      );
    if (TEXT.has(key)) {
      if (raw !== '') record[key] = raw;
      continue;
    }
    const value = raw.trim();
    if (value === '') continue;
    if (key.startsWith('axis:') || key.startsWith('axis_')) {
      const name = key.slice(5).trim();
      if (Object.hasOwn(axes, name))
        throw FileRecordError.field(file, line, `axes.${name}`, 'two columns name this axis');
      axes[name] = value;
      (fromColumns ??= new Set()).add(name);
    } else if (key === 'axes') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw FileRecordError.field(file, line, 'axes', 'expected a JSON object');
      for (const [ax, side] of Object.entries(parsed)) {
        if (fromColumns?.has(ax.trim()))
          throw FileRecordError.field(
            file,
            line,
            `axes.${ax.trim()}`,
            `named by both the 'axes' cell and an axis column`,
          );
        axes[ax] = side as string;
      }
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
