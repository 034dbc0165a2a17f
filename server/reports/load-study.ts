import { canonicalName } from '../../shared/text.ts';
import { outputKey } from '../readmodel/output-styles.ts';
import type { StyleCounts } from '../stats/style-control.ts';
import { toVerdictInput, type VerdictFacts } from './verdict-input.ts';
import { VerdictTableBuilder, type VerdictInput, type VerdictTable } from './verdict-table.ts';

/**
 * A study's verdicts into a verdict table: the read model's rows straight from the database, or
 * the records of a running server's export. They enter through the door a judgments file's
 * records use (toVerdictInput), so `report --study` and `stats` on an export give the same report.
 * `styles` (the read model's outputStyles) gives each verdict its two outputs' style counts, for
 * the style-controlled win rate; without it, verdicts carry the counts their records have.
 */
export async function tableFromVerdicts(
  verdicts: AsyncIterable<VerdictFacts>,
  options: { base?: string; styles?: ReadonlyMap<string, StyleCounts> } = {},
): Promise<VerdictTable> {
  const builder = new VerdictTableBuilder(options);
  const { styles } = options;
  for await (const v of verdicts) {
    const input = toVerdictInput(v);
    canonicalNames(input);
    if (styles) {
      const a = styles.get(outputKey(v.item, v.a));
      const b = styles.get(outputKey(v.item, v.b));
      if (a && b) {
        input.styleA = a;
        input.styleB = b;
      }
    }
    builder.add(input);
  }
  return builder.finish();
}

/**
 * The names of a study's verdict as `stats` reads them from its export (trimmed, in Unicode NFC):
 * imports store them so, but a study imported before they did may hold 'café' twice, once
 * decomposed, which its report counted as two systems and `stats` on its export as one.
 */
function canonicalNames(v: VerdictInput): void {
  v.item = canonicalName(v.item);
  v.a = canonicalName(v.a);
  v.b = canonicalName(v.b);
  v.judge = canonicalName(v.judge);
  if (v.modality !== undefined) v.modality = canonicalName(v.modality) || undefined;
  if (v.a === v.b)
    throw new RangeError(
      `a verdict on item '${v.item}' compares the system '${v.a}' with itself (its two names are one once trimmed and in Unicode NFC, as stats reads them)`,
    );
}
