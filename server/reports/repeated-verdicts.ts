import { int32s, type Growable } from './growable.ts';
import type { VerdictTable, VerdictTableBuilder } from './verdict-table.ts';

/**
 * Verdicts that repeat an earlier one: the same judge on the same item and pair, with the same
 * side shown left. A judgments file from the platform never holds two (a judge gets a comparison
 * once, an LLM once per order), so a repeat is a file given twice or concatenated with itself,
 * which would count every verdict twice and narrow every interval without a word. They are still
 * counted (a file may mean it, as a test–retest study does); the report says so, once, with the
 * first repeat's line and the line it repeats.
 *
 * Only judgments records are checked (public leaderboards' files name their judges differently).
 * Each row costs 12 bytes while reading and one sort of an 8-byte key per row at the end.
 */
interface Origins {
  rows: Growable<Int32Array>;
  lines: Growable<Int32Array>;
  files: Growable<Int32Array>;
  names: string[];
}

const origins = new WeakMap<VerdictTableBuilder, Origins>();

/** Notes that the builder's last row came from `file` at `line` (a judgments record). */
export function noteJudgmentRow(
  builder: VerdictTableBuilder,
  row: number,
  file: string,
  line: number,
): void {
  let o = origins.get(builder);
  if (!o)
    origins.set(builder, (o = { rows: int32s(), lines: int32s(), files: int32s(), names: [] }));
  if (o.names[o.names.length - 1] !== file) o.names.push(file);
  o.rows.push(row);
  o.lines.push(line);
  o.files.push(o.names.length - 1);
}

/** Adds the warning about repeated verdicts to the table, if any verdict repeats another. */
export function warnRepeatedVerdicts(builder: VerdictTableBuilder, t: VerdictTable): void {
  const o = origins.get(builder);
  if (!o || o.rows.length < 2) return;
  const P = t.pairs.length;
  const J = t.judges.size;
  const I = t.items.size;
  // a key per (item, pair, judge, side shown left), exact while it stays below 2^53
  if (I * P * J * 3 >= 2 ** 53) return;
  const key = (r: number) =>
    (((t.item[r] as number) * P + (t.pair[r] as number)) * J + (t.judge[r] as number)) * 3 +
    (t.shownLeft[r] as number) +
    1;
  const rows = o.rows.values();
  const keys = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) keys[k] = key(rows[k] as number);
  keys.sort();
  let repeats = 0;
  for (let k = 1; k < keys.length; k++) if (keys[k] === keys[k - 1]) repeats++;
  if (repeats === 0) return;
  // rare: find the first repeat in reading order, and what it repeats
  const first = new Map<number, number>();
  const lines = o.lines.values();
  const files = o.files.values();
  const where = (k: number) => `${o.names[files[k] as number]}:${lines[k]}`;
  for (let k = 0; k < rows.length; k++) {
    const kk = key(rows[k] as number);
    const earlier = first.get(kk);
    if (earlier === undefined) {
      first.set(kk, k);
      continue;
    }
    builder.warn(
      `${where(k)}: repeats the verdict at ${where(earlier)} (the same judge, item, pair and side shown left); ${repeats} ${repeats === 1 ? 'verdict repeats' : 'verdicts repeat'} an earlier one in all, each counted (a file given twice?)`,
    );
    return;
  }
}
