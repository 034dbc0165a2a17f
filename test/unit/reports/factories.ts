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

export function tableOf(judgments: Judgment[], options: { base?: string } = {}): VerdictTable {
  const b = new VerdictTableBuilder(options);
  for (const j of judgments) b.add(toVerdictInput(j));
  return b.finish();
}
