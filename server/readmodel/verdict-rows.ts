/**
 * Read model (server/readmodel/): read-only queries across several owners' tables for reports,
 * exports and the dashboard. This one reads a study's verdicts with their facts: judging owns
 * comparisons and verdicts, imports own items and outputs, studies own systems, auth owns judges.
 * Nothing here writes. `tracearena export` shapes these rows into judgments records; the study
 * report puts them straight into its verdict table.
 */
import { sql } from 'drizzle-orm';
import type { Judgment } from '../../shared/judgments.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { notExcluded } from '../integrity/queue-sql.ts';

/**
 * One verdict with the names and lengths a report or a judgments file needs: the judgments
 * record's fields (null where the database has none) and the row's own facts.
 */
export type VerdictRow = Pick<
  Judgment,
  'item' | 'a' | 'b' | 'winner' | 'judge' | 'judge_kind' | 'shown_left'
> & {
  verdict_id: string;
  axes: NonNullable<Judgment['axes']>;
  strength: number | null;
  modality: string | null;
  len_a: number;
  len_b: number;
  note: string | null;
  duration_ms: number | null;
  reading_ms: number | null;
  wall_ms: number | null;
  /** ISO 8601 in UTC, to the microsecond (the keyset cursor compares it exactly). */
  created_at: string;
};

/** The names and lengths a verdict row carries, joined from its comparison `c`: item, systems, outputs. */
const NAMED = sql`join items i on i.id = c.item_id
  join systems sa on sa.id = c.system_a_id
  join systems sb on sb.id = c.system_b_id
  join outputs oa on oa.item_id = c.item_id and oa.system_id = c.system_a_id
  join outputs ob on ob.item_id = c.item_id and ob.system_id = c.system_b_id`;

/**
 * Streams a study's verdicts in a stable order (keyset pagination on (created_at, id)), so that
 * millions of verdicts keep memory flat. With `adjudicated` (issue 18, qualification's
 * adjudications read), each adjudicated comparison counts its final verdict instead of its human
 * verdicts (LLM verdicts stay): those rows come after the others.
 */
export async function* verdictRows(
  db: Tx,
  {
    studyId,
    batchSize = 5000,
    adjudicated = false,
  }: { studyId: string; batchSize?: number; adjudicated?: boolean },
): AsyncGenerator<VerdictRow> {
  const replaced = adjudicated
    ? sql`and not (exists (select 1 from adjudications d where d.comparison_id = v.comparison_id and d.status = 'done')
        and exists (select 1 from assignments s where s.id = v.assignment_id and s.run_id is null))`
    : sql``;
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const cursor = after
      ? sql`and (v.created_at, v.id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`
      : sql``;
    const rows: VerdictRow[] = await queryRows<VerdictRow>(
      db,
      sql`
      select v.id as verdict_id, i.external_id as item, sa.name as a, sb.name as b, v.winner,
        j.name as judge, j.kind as judge_kind, v.shown_left, v.axes, v.strength, i.modality,
        oa.trace_length as len_a, ob.trace_length as len_b, v.note, v.duration_ms,
        v.reading_ms, v.wall_ms,
        to_char(v.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at
      from verdicts v
      join comparisons c on c.id = v.comparison_id
      join judges j on j.id = v.judge_id
      ${NAMED}
      where c.study_id = ${studyId} ${cursor}
        -- a comparison the admin excluded for an identity leak counts nowhere (docs/integrity.md)
        and ${notExcluded(sql`c.id`)} ${replaced}
      order by v.created_at, v.id
      limit ${batchSize}`,
    );
    yield* rows;
    const last = rows[rows.length - 1];
    if (!last || rows.length < batchSize) break;
    after = { createdAt: last.created_at, id: last.verdict_id };
  }
  if (adjudicated) yield* await adjudicatedRows(db, { studyId });
}

/** A study's adjudicated comparisons as verdict rows: the adjudicator's final verdict, the reason as its note. */
async function adjudicatedRows(db: Tx, { studyId }: { studyId: string }): Promise<VerdictRow[]> {
  return queryRows<VerdictRow>(
    db,
    sql`
    select d.id as verdict_id, i.external_id as item, sa.name as a, sb.name as b, d.winner,
      j.name as judge, j.kind as judge_kind, d.shown_left, '{}'::jsonb as axes, null::smallint as strength,
      i.modality, oa.trace_length as len_a, ob.trace_length as len_b, d.reason as note,
      null::int as duration_ms, null::int as reading_ms, null::int as wall_ms,
      to_char(d.completed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at
    from adjudications d
    join comparisons c on c.id = d.comparison_id
    join judges j on j.id = d.judge_id
    ${NAMED}
    where d.study_id = ${studyId} and d.status = 'done' and ${notExcluded(sql`c.id`)}
    order by d.completed_at, d.id`,
  );
}
