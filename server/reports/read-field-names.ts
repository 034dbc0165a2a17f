import { closestName } from '../../shared/import-records.ts';
import { unstorableTextReason } from '../../shared/text.ts';

export { canonicalName } from '../../shared/text.ts';
import { FileRecordError } from '../files/record-error.ts';
import type { VerdictTableBuilder } from './verdict-table.ts';

/**
 * The field names of one record format, for every reader of `stats` (judgments records, AlpacaEval
 * annotations, the public leaderboards' files): the fields the reader reads, which a misspelt
 * field is compared with, and the fields the format has that the reader ignores, which are
 * compared with nothing (a `g1_judgment` is not a typo of anything).
 */
export interface RecordFields {
  read: ReadonlySet<string>;
  /** those read and those ignored: one lookup per field on the million-line path */
  known: ReadonlySet<string>;
}

/** A format's fields from the lists of those read and those ignored. */
export function recordFields(read: Iterable<string>, ignored: Iterable<string> = []): RecordFields {
  const fields = new Set(read);
  return { read: fields, known: new Set([...fields, ...ignored]) };
}

const known = (fields: RecordFields, key: string) => fields.known.has(key);

/**
 * Per table and format, each field name outside the format seen so far: the field it looks like
 * (or null), and whether it has been warned about.
 */
const unknownFields = new WeakMap<
  VerdictTableBuilder,
  Map<RecordFields, Map<string, { like: string | null; warned: boolean }>>
>();

/**
 * Fields outside a format are ignored (docs/judgments-files.md), but one that looks like a
 * misspelling of a field the record lacks (`modalty` for `modality`, `judg` for `judge`) would
 * otherwise drop that field's figures without a word: it gets one warning per name and format, at
 * the first line where the record lacks the field it looks like. Each distinct name is compared
 * once per table, so well-formed records pay one set lookup per field.
 */
export function warnMisspeltFields(
  builder: VerdictTableBuilder,
  record: unknown,
  fields: RecordFields,
  file: string,
  line: number,
): void {
  if (typeof record !== 'object' || record === null) return;
  let seen: Map<string, { like: string | null; warned: boolean }> | undefined;
  for (const key in record) {
    if (known(fields, key)) continue;
    if (!seen) {
      let formats = unknownFields.get(builder);
      if (!formats) unknownFields.set(builder, (formats = new Map()));
      seen = formats.get(fields);
      if (!seen) formats.set(fields, (seen = new Map()));
    }
    let name = seen.get(key);
    if (!name) seen.set(key, (name = { like: closestName(key, fields.read), warned: false }));
    if (name.like === null || name.warned || Object.hasOwn(record, name.like)) continue;
    name.warned = true;
    builder.warn(`${file}:${line}: field '${key}' is not read (a typo of '${name.like}'?)`);
  }
}

/**
 * What to add to the error of a required `field` the record lacks: ` (the record has 'winnr': a
 * typo?)` when one of the record's fields outside the format looks like it, else ''.
 */
export function typoNote(record: unknown, field: string, fields: RecordFields): string {
  if (typeof record !== 'object' || record === null) return '';
  const unknown = Object.keys(record).filter((k) => !known(fields, k));
  const typo = closestName(field, unknown);
  return typo === null ? '' : ` (the record has '${typo}': a typo?)`;
}

// A character from U+0300 on: below it every string is already in NFC (the combining marks, and
// every character NFC maps to another, start there)
// NUL, or any UTF-16 surrogate (a well-formed pair is then checked in full)
const SUSPECT = /[\u0000\ud800-\udfff]/;

/**
 * Refuses a name that is not valid text (U+0000, a lone surrogate), with shared/text.ts's reason,
 * as imports refuse it: `x\ud800` and `x\ud801` would be two systems that print as one.
 */
export function checkNameText(value: string, field: string, file: string, line: number): void {
  if (!SUSPECT.test(value)) return;
  const reason = unstorableTextReason(value);
  if (reason !== null) throw FileRecordError.field(file, line, field, reason);
}
