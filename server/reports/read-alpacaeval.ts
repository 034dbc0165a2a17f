import { alpacaEvalRecordSchema } from '../../shared/judgments.ts';
import { FileRecordError } from '../files/record-error.ts';
import { canonicalName, checkNameText, recordFields, typoNote } from './read-field-names.ts';
import { fromZodError } from './read-zod-error.ts';
import type { VerdictTableBuilder } from './verdict-table.ts';

/**
 * Whether a JSON array's first record is an AlpacaEval annotation: it has `generator_1` and a
 * `preference`, or `generator_1` and no judgments record's `a`. Every later record of the array is
 * then read as one, so a record that lacks `preference` is refused naming it.
 */
export function isAlpacaEvalRecord(record: unknown): boolean {
  return (
    typeof record === 'object' &&
    record !== null &&
    'generator_1' in record &&
    ('preference' in record || !('a' in record))
  );
}

const FIELDS = recordFields([
  'instruction',
  'generator_1',
  'generator_2',
  'output_1',
  'output_2',
  'annotator',
  'preference',
]);

const NAMES = ['generator_1', 'generator_2', 'annotator'] as const;

/** The record with its model and annotator names trimmed and in NFC (before validation: "  " is empty). */
function trimNames(record: unknown): unknown {
  if (typeof record !== 'object' || record === null) return record;
  const o = record as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  for (const k of NAMES) {
    const v = o[k];
    if (typeof v !== 'string') continue;
    const name = canonicalName(v);
    if (name !== v) (out ??= { ...o })[k] = name;
  }
  return out ?? o;
}

/**
 * One AlpacaEval annotation as a verdict of generator_2 (side a, the evaluated model) against
 * generator_1 (side b, the baseline). AlpacaEval's definitions: preference ∈ [1, 2], 0 and 1.5
 * are draws, generator_2's score is preference − 1; a null preference (failed annotation) is
 * skipped with a warning. The displayed order is not recorded in these files. Model and annotator
 * names are trimmed, as in the other formats; the instruction (the item) is kept as written, as
 * AlpacaEval keeps it.
 *
 * Returns the model's name when the record compares a model with itself (AlpacaEval annotates its
 * reference model against itself): not a comparison, so not added; the caller reports such
 * records once per model.
 */
export function addAlpacaEvalRecord(
  builder: VerdictTableBuilder,
  record: unknown,
  file: string,
  position: number,
): string | null {
  const trimmed = trimNames(record);
  const preference = (trimmed as { preference?: unknown } | null)?.preference;
  if (typeof preference === 'number' && !Number.isFinite(preference))
    throw FileRecordError.field(
      file,
      position,
      'preference',
      'not a finite number (it overflows to Infinity)',
    );
  const parsed = alpacaEvalRecordSchema.safeParse(trimmed);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path;
    const field = path?.length === 1 ? String(path[0]) : null;
    if (field !== null && typeof trimmed === 'object' && trimmed !== null && !(field in trimmed))
      throw FileRecordError.field(
        file,
        position,
        field,
        `missing${typoNote(trimmed, field, FIELDS)}`,
      );
    throw fromZodError(file, position, parsed.error);
  }
  const r = parsed.data;
  for (const k of ['generator_1', 'generator_2', 'annotator', 'instruction'] as const) {
    const v = r[k];
    if (v !== undefined) checkNameText(v, k, file, position);
  }
  // the instruction is the item: an empty one would pool every such record into one item
  if (r.instruction !== undefined && r.instruction.trim() === '')
    throw FileRecordError.field(
      file,
      position,
      'instruction',
      'empty (an item needs a name; without the field, a record is named by its position)',
    );
  const a = r.generator_2;
  const b = r.generator_1;
  if (r.preference === null) {
    builder.skip(`${file}:${position}: field 'preference': null (failed annotation), skipped`);
    return null;
  }
  if (a === b) return a;
  builder.add({
    item: r.instruction ?? `#${position}`,
    a,
    b,
    score: r.preference === 0 ? 0.5 : r.preference - 1,
    judge: r.annotator || 'alpaca_eval',
    judgeKind: 'llm',
    lenA: r.output_2?.length,
    lenB: r.output_1?.length,
  });
  return null;
}

/**
 * Skips a file's self-comparisons with one warning per model (a reference model's own file has
 * one per instruction, 805 on AlpacaEval 2), saying why the leaderboard shows it at 50.0.
 */
export function skipSelfComparisons(
  builder: VerdictTableBuilder,
  file: string,
  selves: ReadonlyMap<string, { first: number; count: number }>,
): void {
  for (const [model, { first, count }] of selves)
    builder.skip(
      `${file}:${first}: ${count} ${count === 1 ? 'record compares' : 'records compare'} '${model}' with itself (AlpacaEval annotates its reference model against itself; the leaderboard's 50.0 for it is by definition, not a measurement), skipped`,
      count,
    );
}
