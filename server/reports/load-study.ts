import type { Judgment } from '../../shared/judgments.ts';
import { judgmentToVerdict } from './read-judgment-record.ts';
import { VerdictTableBuilder, type VerdictTable } from './verdict-table.ts';

/**
 * Streams judgments into a verdict table. A study's report reads the records `tracearena export`
 * writes (`exportJudgments`: they are judgments records), so `report --study` and `stats` on an
 * export give the same report.
 */
export async function tableFromJudgments(
  judgments: AsyncIterable<Judgment>,
  options: { base?: string } = {},
): Promise<VerdictTable> {
  const builder = new VerdictTableBuilder(options);
  for await (const j of judgments) builder.add(judgmentToVerdict(j));
  return builder.finish();
}
