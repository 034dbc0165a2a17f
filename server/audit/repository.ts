/**
 * Audit owns audit_events (docs/audit.md): the append-only trail of a study. Admin actions are
 * written here (`insertAdminEvent`); the judging events are written by the triggers of migration
 * 0007 on judging's and auth's tables, in the statement of the change they record. Nothing updates
 * or deletes a row: a trigger refuses it. The export reads the trail in id order, a page at a time.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';

/** One event as stored, its times as ISO 8601 in UTC to the microsecond. */
export interface AuditEventRow {
  id: number;
  at: string;
  study_id: string;
  actor: string;
  kind: string;
  judge_id: string | null;
  assignment_id: string | null;
  comparison_id: string | null;
  data: Record<string, unknown>;
}

/** One event written by the application (an admin action, an adjudication), not by a trigger. */
export async function insertAdminEvent(
  db: Tx,
  e: {
    studyId: string;
    actor: string;
    kind: string;
    data: Record<string, unknown>;
    judgeId?: string;
    comparisonId?: string;
  },
): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`insert into audit_events (study_id, actor, kind, judge_id, comparison_id, data)
      values (${e.studyId}::uuid, ${e.actor}, ${e.kind}, ${e.judgeId ?? null}::uuid,
        ${e.comparisonId ?? null}::uuid, ${JSON.stringify(e.data)}::jsonb)
      returning id`,
  );
  return Number(rows[0]!.id);
}

/** A study's events in id order (keyset pages, so a long trail keeps memory flat). */
export async function* studyEvents(
  db: Tx,
  { studyId, batchSize = 5000 }: { studyId: string; batchSize?: number },
): AsyncGenerator<AuditEventRow> {
  let after = 0;
  for (;;) {
    const rows = await queryRows<AuditEventRow>(
      db,
      sql`select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
        study_id, actor, kind, judge_id, assignment_id, comparison_id, data
      from audit_events where study_id = ${studyId}::uuid and id > ${after}
      order by id limit ${batchSize}`,
    );
    for (const r of rows) yield { ...r, id: Number(r.id) };
    const last = rows[rows.length - 1];
    if (!last || rows.length < batchSize) return;
    after = Number(last.id);
  }
}

/** The study's latest changes made by people (accounts, the CLI, the demo), newest first. */
export async function recentChanges(
  db: Tx,
  { studyId, limit }: { studyId: string; limit: number },
) {
  return queryRows<{ at: string; actor: string; kind: string }>(
    db,
    sql`select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at, actor, kind
      from audit_events
      where study_id = ${studyId}::uuid
        and (actor like 'account:%' or actor in ('admin', 'cli', 'demo'))
      order by id desc limit ${limit}`,
  );
}
