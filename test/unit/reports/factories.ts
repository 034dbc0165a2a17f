import type { Judgment } from '../../../shared/judgments.ts';
import { toVerdictInput } from '../../../server/reports/verdict-input.ts';
import { VerdictTableBuilder, type VerdictTable } from '../../../server/reports/verdict-table.ts';

export function makeJudgment(overrides: Partial<Judgment> = {}): Judgment {
  return {
    item: 'q-1',
    a: 'sft',
    b: 'base',
    winner: 'a',
    judge: 'dr-lee',
    judge_kind: 'human',
    shown_left: 'a',
    ...overrides,
  };
}

/** One judgments-file line (JSON) of a valid record, fields overridden or added by `o`. */
export const judgmentLine = (o: Record<string, unknown> = {}): string =>
  JSON.stringify({
    item: 'q1',
    a: 'sft',
    b: 'base',
    winner: 'a',
    judge: 'j1',
    judge_kind: 'human',
    shown_left: 'a',
    ...o,
  });

/** The header of a judgments CSV with the required columns, for `judgmentLine`'s record as a row. */
export const JUDGMENTS_CSV_HEADER = 'item,a,b,winner,judge,judge_kind,shown_left';

export function tableOf(judgments: Judgment[], options: { base?: string } = {}): VerdictTable {
  const b = new VerdictTableBuilder(options);
  for (const j of judgments) b.add(toVerdictInput(j));
  return b.finish();
}
