import { sql } from 'drizzle-orm';
import type { Judgment } from '../../shared/judgments.ts';
import { queryRows, type Tx } from '../db/client.ts';

/**
 * One verdict as a line of the judgments file: the shared record (what `stats` reads) with the
 * database's extra facts.
 */
export type JudgmentRecord = Judgment & {
  axes: NonNullable<Judgment['axes']>;
  len_a: number;
  len_b: number;
  note?: string;
  duration_ms?: number;
  /** Time on screen and visible, as the judge's page measured it. */
  reading_ms?: number;
  /** Server-side time from the lease to the verdict. */
  wall_ms?: number;
  created_at: string;
};

interface Row {
  verdict_id: string;
  item: string;
  a: string;
  b: string;
  winner: 'a' | 'b' | 'tie';
  judge: string;
  judge_kind: 'human' | 'llm';
  shown_left: 'a' | 'b';
  axes: Record<string, 'a' | 'b' | 'tie'>;
  strength: number | null;
  modality: string | null;
  len_a: number;
  len_b: number;
  note: string | null;
  duration_ms: number | null;
  reading_ms: number | null;
  wall_ms: number | null;
  created_at: Date | string;
}

/**
 * Streams a study's verdicts in a stable order (keyset pagination on (created_at, id)), so an
 * export of millions of verdicts keeps memory flat.
 */
export async function* exportJudgments(
  db: Tx,
  { studyId, batchSize = 5000 }: { studyId: string; batchSize?: number },
): AsyncGenerator<JudgmentRecord> {
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const cursor = after
      ? sql`and (v.created_at, v.id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`
      : sql``;
    const rows: Row[] = await queryRows<Row>(
      db,
      sql`
      select v.id as verdict_id, i.external_id as item, sa.name as a, sb.name as b, v.winner,
        j.name as judge, j.kind as judge_kind, v.shown_left, v.axes, v.strength, i.modality,
        oa.trace_length as len_a, ob.trace_length as len_b, v.note, v.duration_ms,
        v.reading_ms, v.wall_ms,
        to_char(v.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at
      from verdicts v
      join comparisons c on c.id = v.comparison_id
      join items i on i.id = c.item_id
      join systems sa on sa.id = c.system_a_id
      join systems sb on sb.id = c.system_b_id
      join judges j on j.id = v.judge_id
      join outputs oa on oa.item_id = c.item_id and oa.system_id = c.system_a_id
      join outputs ob on ob.item_id = c.item_id and ob.system_id = c.system_b_id
      where c.study_id = ${studyId} ${cursor}
      order by v.created_at, v.id
      limit ${batchSize}`,
    );
    for (const r of rows) {
      yield {
        item: r.item,
        a: r.a,
        b: r.b,
        winner: r.winner,
        judge: r.judge,
        judge_kind: r.judge_kind,
        shown_left: r.shown_left,
        axes: r.axes,
        ...(r.strength === 1 || r.strength === 2 ? { strength: r.strength } : {}),
        ...(r.modality ? { modality: r.modality } : {}),
        len_a: r.len_a,
        len_b: r.len_b,
        ...(r.note ? { note: r.note } : {}),
        ...(r.duration_ms !== null ? { duration_ms: r.duration_ms } : {}),
        ...(r.reading_ms !== null ? { reading_ms: r.reading_ms } : {}),
        ...(r.wall_ms !== null ? { wall_ms: r.wall_ms } : {}),
        created_at: String(r.created_at),
      };
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < batchSize) return;
    after = { createdAt: String(last.created_at), id: last.verdict_id };
  }
}
