import { alpacaEvalRecordSchema } from '../../shared/judgments.ts';
import { fromZodError } from './read-errors.ts';
import type { VerdictTableBuilder } from './verdict-table.ts';

/** Whether a parsed JSON record looks like an AlpacaEval annotation. */
export function isAlpacaEvalRecord(record: unknown): boolean {
  return (
    typeof record === 'object' &&
    record !== null &&
    'generator_1' in record &&
    'preference' in record
  );
}

/**
 * One AlpacaEval annotation as a verdict of generator_2 (side a, the evaluated model) against
 * generator_1 (side b, the baseline). AlpacaEval's definitions: preference ∈ [1, 2], 0 and 1.5
 * are draws, generator_2's score is preference − 1; a null preference (failed annotation) is
 * skipped with a warning. The displayed order is not recorded in these files.
 */
export function addAlpacaEvalRecord(
  builder: VerdictTableBuilder,
  record: unknown,
  file: string,
  position: number,
): void {
  const parsed = alpacaEvalRecordSchema.safeParse(record);
  if (!parsed.success) throw fromZodError(file, position, parsed.error);
  const r = parsed.data;
  if (r.preference === null) {
    builder.skip(`${file}:${position}: field 'preference': null (failed annotation), skipped`);
    return;
  }
  // AlpacaEval's reference model is annotated against itself (preference 1.5): not a comparison
  if (r.generator_1 === r.generator_2) {
    builder.skip(
      `${file}:${position}: generator_1 and generator_2 are both '${r.generator_1}' (a model against itself), skipped`,
    );
    return;
  }
  builder.add({
    item: r.instruction ?? `#${position}`,
    a: r.generator_2,
    b: r.generator_1,
    score: r.preference === 0 ? 0.5 : r.preference - 1,
    judge: r.annotator || 'alpaca_eval',
    judgeKind: 'llm',
    lenA: r.output_2?.length,
    lenB: r.output_1?.length,
  });
}
