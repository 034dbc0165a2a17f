/**
 * Read model: the style counts of a study's outputs (imports own items and outputs, studies own
 * systems), for the style-controlled win rate of its report. Nothing here writes.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { outputStyleCounts, type StyleCounts } from '../stats/style-control.ts';

/** The key of an output in outputStyles' map: item external id and system name. */
export const outputKey = (item: string, system: string) => `${item}\u0000${system}`;

/**
 * Every output of the study as style counts, keyed by outputKey: its length is the trace's
 * length (trace_length, the length the length-controlled figure uses); headers, list items and
 * bold spans are counted in the trace and the answer (both what a judge reads), as styleCounts
 * counts them. Outputs are read in batches (keyset on id), so long texts keep memory flat: only
 * the counts are kept.
 */
export async function outputStyles(
  db: Tx,
  { studyId, batchSize = 500 }: { studyId: string; batchSize?: number },
): Promise<Map<string, StyleCounts>> {
  const out = new Map<string, StyleCounts>();
  let after: string | null = null;
  for (;;) {
    const cursor = after ? sql`and o.id > ${after}::uuid` : sql``;
    const rows: Array<{
      id: string;
      item: string;
      system: string;
      trace: string;
      answer: string;
      trace_length: number;
    }> = await queryRows(
      db,
      sql`
      select o.id, i.external_id as item, s.name as system, o.trace, o.answer, o.trace_length
      from outputs o
      join items i on i.id = o.item_id
      join systems s on s.id = o.system_id
      where i.study_id = ${studyId} ${cursor}
      order by o.id
      limit ${batchSize}`,
    );
    for (const r of rows)
      out.set(outputKey(r.item, r.system), outputStyleCounts(r.trace, r.answer, r.trace_length));
    const last = rows[rows.length - 1];
    if (!last || rows.length < batchSize) return out;
    after = last.id;
  }
}
