import { FileRecordError } from '../files/record-error.ts';
import { canonicalName, checkNameText, typoNote, type RecordFields } from './read-field-names.ts';

/**
 * Field checks shared by the readers of public leaderboards' files (Chatbot Arena battles,
 * MT-Bench and Arena-Hard judgments). Those records are read by hand rather than through zod: the
 * formats are other projects', so each message says what the field should hold in that project's
 * own words, and a million Arena battles pay no schema's cost.
 */

export type FieldRecord = Record<string, unknown>;

/** The record as an object, or `FILE:LINE: field '(record)': expected a JSON object`. */
export function recordObject(raw: unknown, file: string, line: number): FieldRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw FileRecordError.field(file, line, '(record)', 'expected a JSON object');
  return raw as FieldRecord;
}

const show = (v: unknown): string =>
  typeof v === 'string'
    ? `'${v}'`
    : typeof v === 'number' && !Number.isFinite(v)
      ? // JSON.stringify says null; JSON.parse reads 1e999 as Infinity
        `${v} (a number too large for a double)`
      : JSON.stringify(v);

/**
 * A name field, trimmed as names are in every format (docs/judgments-files.md); absent gives
 * `fallback`, or an error when there is none, naming the record's field that looks like a typo of
 * it when `fields` (the format's) are given. `key` names mark a name that becomes a key of the
 * report (a judge), which cannot be `__proto__`. A name that is not valid text (U+0000, a lone
 * surrogate) is refused, as imports refuse it.
 */
export function nameField(
  o: FieldRecord,
  field: string,
  file: string,
  line: number,
  options: { fallback?: string; key?: boolean; fields?: RecordFields } = {},
): string {
  const v = o[field];
  if (v === undefined || v === null) {
    if (options.fallback !== undefined) return options.fallback;
    const note = options.fields ? typoNote(o, field, options.fields) : '';
    throw FileRecordError.field(file, line, field, `missing${note}`);
  }
  if (typeof v !== 'string') throw FileRecordError.field(file, line, field, 'expected a string');
  const name = canonicalName(v);
  if (name === '') throw FileRecordError.field(file, line, field, 'empty');
  if (options.key && name === '__proto__')
    throw FileRecordError.field(file, line, field, "'__proto__' cannot be a name");
  checkNameText(name, field, file, line);
  return name;
}

/**
 * A judge as FastChat writes it: a string, or `[model, prompt]` (`["gpt-4", "pair-v2"]`, an LLM
 * judge with its prompt), named here `gpt-4 (pair-v2)`; the prompt is part of the judge, as a
 * different prompt judges differently. Absent: `fallback`.
 */
export function fastChatJudge(
  o: FieldRecord,
  file: string,
  line: number,
  fallback: string,
): { name: string; modelAndPrompt: boolean } {
  const v = o.judge;
  if (!Array.isArray(v))
    return {
      name: nameField(o, 'judge', file, line, { fallback, key: true }),
      modelAndPrompt: false,
    };
  const parts = v.map((p, k) => nameField({ [`judge.${k}`]: p }, `judge.${k}`, file, line));
  const [model, ...prompt] = parts;
  if (model === undefined)
    throw FileRecordError.field(file, line, 'judge', 'expected [model, prompt], got []');
  const name = prompt.length === 0 ? model : `${model} (${prompt.join(', ')})`;
  if (name === '__proto__')
    throw FileRecordError.field(file, line, 'judge', "'__proto__' cannot be a name");
  return { name, modelAndPrompt: true };
}

/** `a` and `b` of one verdict must be two systems: `FILE:LINE: field 'f': …` otherwise. */
export function differentModels(
  a: string,
  b: string,
  fields: [string, string],
  file: string,
  line: number,
): void {
  if (a === b)
    throw FileRecordError.field(
      file,
      line,
      fields[1],
      `the same model as '${fields[0]}' ('${a}'): a comparison needs two`,
    );
}

/**
 * The item a record judges: its question id (a string or a number, as the projects write them)
 * with the record's `turn` appended when it has one, since MT-Bench judges turn 1 and turn 2 of a
 * question as two comparisons (and its human votes carry the same question_id and turn, so they
 * meet the GPT-4 verdicts on the same items). A record without an id is its own item,
 * `FILE:LINE`: an Arena battle is one conversation, never pooled with another's.
 */
export function itemOf(
  o: FieldRecord,
  idFields: readonly string[],
  file: string,
  line: number,
): string {
  let id: string | null = null;
  for (const field of idFields) {
    const v = o[field];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && Number.isSafeInteger(v)) id = String(v);
    else if (typeof v === 'number' && Number.isFinite(v))
      // JSON.parse has already rounded it: 12345678901234567890 and …891 are one double
      throw FileRecordError.field(
        file,
        line,
        field,
        Number.isInteger(v)
          ? `${v} is not a safe integer (above ${Number.MAX_SAFE_INTEGER}, a JSON number loses digits): write the id as a string`
          : `${v} is not an integer: write the id as a string`,
      );
    else if (typeof v === 'string' && v.trim() !== '') {
      id = canonicalName(v);
      checkNameText(id, field, file, line);
    } else
      throw FileRecordError.field(
        file,
        line,
        field,
        `expected a string or a number, got ${show(v)}`,
      );
    break;
  }
  if (id === null) return `${file}:${line}`;
  const turn = o.turn;
  if (turn === undefined || turn === null) return id;
  if (typeof turn !== 'number' || !Number.isInteger(turn) || turn < 0)
    throw FileRecordError.field(file, line, 'turn', `expected a whole number, got ${show(turn)}`);
  return `${id}/turn ${turn}`;
}

/**
 * A label field's value mapped through `labels`, or `FILE:LINE: field 'f': expected one of …,
 * got 'x'` (the labels listed are `listed`, the project's own spelling).
 */
export function labelField<T>(
  value: unknown,
  labels: ReadonlyMap<string, T>,
  listed: readonly string[],
  field: string,
  file: string,
  line: number,
  format?: { record: FieldRecord; fields: RecordFields },
): T {
  const mapped = typeof value === 'string' ? labels.get(value.trim()) : undefined;
  if (mapped === undefined) {
    const got =
      value !== undefined
        ? show(value)
        : `nothing${format ? typoNote(format.record, field, format.fields) : ''}`;
    throw FileRecordError.field(
      file,
      line,
      field,
      `expected one of ${listed.join(', ')}, got ${got}`,
    );
  }
  return mapped;
}
