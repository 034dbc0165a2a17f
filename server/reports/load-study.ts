import { toVerdictInput, type VerdictFacts } from './verdict-input.ts';
import { VerdictTableBuilder, type VerdictTable } from './verdict-table.ts';

/**
 * A study's verdicts into a verdict table: the read model's rows straight from the database, or
 * the records of a running server's export. They enter through the door a judgments file's
 * records use (toVerdictInput), so `report --study` and `stats` on an export give the same report.
 */
export async function tableFromVerdicts(
  verdicts: AsyncIterable<VerdictFacts>,
  options: { base?: string } = {},
): Promise<VerdictTable> {
  const builder = new VerdictTableBuilder(options);
  for await (const v of verdicts) builder.add(toVerdictInput(v));
  return builder.finish();
}
