import { MAX_STYLE_COUNT, judgmentSchema, type Judgment } from '../../shared/judgments.ts';
import { FileRecordError } from '../files/record-error.ts';
import {
  canonicalName,
  checkNameText,
  recordFields,
  typoNote,
  warnMisspeltFields,
} from './read-field-names.ts';
import { fromZodError } from './read-zod-error.ts';
import { noteJudgmentRow } from './repeated-verdicts.ts';
import { toVerdictInput } from './verdict-input.ts';
import type { VerdictTableBuilder } from './verdict-table.ts';

const SIDES = new Set(['a', 'b', 'tie']);
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** A name that is a key of the report: `__proto__` goes to zod, which refuses it. */
const isKeyName = (v: unknown): v is string => isName(v) && v !== '__proto__';
const isCount = (v: unknown) =>
  v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

const isCountValue = (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_STYLE_COUNT;
/** Absent, or style counts as styleCountsSchema accepts them (extra keys are dropped later). */
const isStyle = (v: unknown) => {
  if (v === undefined) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const c = v as Record<string, unknown>;
  return (
    isCountValue(c.length) &&
    isCountValue(c.headers) &&
    isCountValue(c.lists) &&
    isCountValue(c.bold)
  );
};

/**
 * A plain-JavaScript check of the common, valid record: it accepts only what judgmentSchema
 * accepts (a strict subset), so a million lines do not pay zod's cost; anything else goes through
 * zod, which produces the error message.
 */
function fastJudgment(r: unknown): Judgment | null {
  if (typeof r !== 'object' || r === null) return null;
  const o = r as Record<string, unknown>;
  if (!isName(o.item) || !isName(o.a) || !isName(o.b) || o.a === o.b || !isKeyName(o.judge))
    return null;
  if (typeof o.winner !== 'string' || !SIDES.has(o.winner)) return null;
  if (o.judge_kind !== 'human' && o.judge_kind !== 'llm') return null;
  if (o.shown_left !== 'a' && o.shown_left !== 'b') return null;
  if (o.modality !== undefined && !isKeyName(o.modality)) return null;
  if (!isCount(o.len_a) || !isCount(o.len_b)) return null;
  if (o.strength !== undefined && o.strength !== 1 && o.strength !== 2) return null;
  // style counts and output texts (the style-controlled rate, docs/judgments-files.md)
  if (!isStyle(o.style_a) || !isStyle(o.style_b)) return null;
  if (o.output_a !== undefined && typeof o.output_a !== 'string') return null;
  if (o.output_b !== undefined && typeof o.output_b !== 'string') return null;
  if (o.axes !== undefined) {
    if (typeof o.axes !== 'object' || o.axes === null || Array.isArray(o.axes)) return null;
    // for…in: no array of entries per record on the million-line path (JSON objects inherit none)
    const axes = o.axes as Record<string, unknown>;
    for (const k in axes) {
      const v = axes[k];
      if (!isKeyName(k) || typeof v !== 'string' || !SIDES.has(v)) return null;
    }
  }
  return o as Judgment;
}

// nothing but printable ASCII: the common case, which canonicalName leaves as it is
const PLAIN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** Whether canonicalName changes a string (surrounding whitespace, or not in NFC). */
function padded(s: string): boolean {
  return !PLAIN.test(s) && canonicalName(s) !== s;
}

/** The string fields of a record that CSV cells would give trimmed. */
const TRIMMED = [
  'item',
  'a',
  'b',
  'winner',
  'judge',
  'judge_kind',
  'shown_left',
  'modality',
] as const;

/**
 * The record with names and values trimmed of surrounding whitespace, as CSV cells are read, so
 * that `" q1"` and `"q1"` are one item in every format (docs/import-formats.md). Returns the
 * record itself when nothing needs trimming; axes go into a null-prototype object, so that
 * `" __proto__"` stays a key for the check below. Throws when two axes are one once trimmed.
 */
export function trimRecord(record: unknown, file: string, line: number): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  const o = record as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  for (const k of TRIMMED) {
    const v = o[k];
    if (typeof v === 'string' && padded(v)) (out ??= { ...o })[k] = canonicalName(v);
  }
  const axes = o.axes;
  if (typeof axes === 'object' && axes !== null && !Array.isArray(axes)) {
    const ax = axes as Record<string, unknown>;
    let any = false;
    // for…in: no array of entries per record on the million-line path (JSON objects inherit none)
    for (const k in ax) {
      const v = ax[k];
      if (padded(k) || (typeof v === 'string' && padded(v))) {
        any = true;
        break;
      }
    }
    if (any) {
      const next = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(ax)) {
        const name = canonicalName(k);
        if (Object.hasOwn(next, name))
          throw FileRecordError.field(
            file,
            line,
            `axes.${k}`,
            `the same axis as '${name}' once surrounding whitespace is trimmed and Unicode normalised (NFC)`,
          );
        next[name] = typeof v === 'string' ? canonicalName(v) : v;
      }
      (out ??= { ...o }).axes = next;
    }
  }
  return out ?? o;
}

const NUMERIC = ['len_a', 'len_b', 'strength'] as const;

const FIELDS = recordFields(Object.keys(judgmentSchema.shape));

/** The names a record carries (a verdict's keys and labels), each refused when not valid text. */
const NAMES = ['item', 'a', 'b', 'judge', 'modality'] as const;

function checkNames(record: unknown, file: string, line: number): void {
  if (typeof record !== 'object' || record === null) return;
  const o = record as Record<string, unknown>;
  for (const k of NAMES) {
    const v = o[k];
    if (typeof v === 'string') checkNameText(v, k, file, line);
  }
  const axes = o.axes;
  if (typeof axes === 'object' && axes !== null && !Array.isArray(axes))
    for (const k in axes) checkNameText(k, `axes.${k}`, file, line);
}

/** Validates one parsed record and adds it; throws `FILE:LINE: field 'x': reason`. */
export function addJudgmentRecord(
  builder: VerdictTableBuilder,
  raw: unknown,
  file: string,
  line: number,
): void {
  const record = trimRecord(raw, file, line);
  warnMisspeltFields(builder, record, FIELDS, file, line);
  checkNames(record, file, line);
  const fast = fastJudgment(record);
  if (fast) {
    builder.add(toVerdictInput(fast));
    noteJudgmentRow(builder, builder.rows - 1, file, line);
    return;
  }
  // zod skips a `__proto__` key of a record without a word: refuse it here
  const axes = (record as { axes?: unknown } | null)?.axes;
  if (typeof axes === 'object' && axes !== null && Object.hasOwn(axes, '__proto__'))
    throw FileRecordError.field(file, line, 'axes.__proto__', "'__proto__' cannot be a name");
  // JSON.parse reads 1e999 as Infinity, which zod would call "expected int, received number"
  for (const k of NUMERIC) {
    const v = (record as Record<string, unknown> | null)?.[k];
    if (typeof v === 'number' && !Number.isFinite(v))
      throw FileRecordError.field(file, line, k, 'not a finite number (it overflows to Infinity)');
    // 1e200 is an integer to JavaScript, but not a length: its differences lose every digit
    if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v))
      throw FileRecordError.field(
        file,
        line,
        k,
        `${v} is above ${Number.MAX_SAFE_INTEGER}, the largest integer a double holds exactly`,
      );
  }
  const parsed = judgmentSchema.safeParse(record);
  if (!parsed.success)
    throw (
      missingField(file, line, record, parsed.error.issues[0]?.path) ??
      fromZodError(file, line, parsed.error)
    );
  builder.add(toVerdictInput(parsed.data));
  noteJudgmentRow(builder, builder.rows - 1, file, line);
}

/**
 * A required field the record lacks, named as missing, with the record's own unknown field it was
 * probably meant to be (fields not listed are ignored, docs/judgments-files.md, so `winnr` would
 * otherwise read as "winner: invalid option"); null when the failing field is present.
 */
function missingField(
  file: string,
  line: number,
  record: unknown,
  path: readonly PropertyKey[] | undefined,
): FileRecordError | null {
  if (typeof record !== 'object' || record === null || path?.length !== 1) return null;
  const field = String(path[0]);
  if (Object.hasOwn(record, field)) return null;
  return FileRecordError.field(file, line, field, `missing${typoNote(record, field, FIELDS)}`);
}
