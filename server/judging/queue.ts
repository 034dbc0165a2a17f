import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';

export interface LeasedAssignment {
  id: string;
  comparisonId: string;
  shownLeft: 'a' | 'b';
  leasedAt: Date;
  leaseExpiresAt: Date;
}

interface LeaseRow {
  id: string;
  comparison_id: string;
  shown_left: 'a' | 'b';
  leased_at: Date | string;
  lease_expires_at: Date | string;
}

const toLeased = (r: LeaseRow): LeasedAssignment => ({
  id: r.id,
  comparisonId: r.comparison_id,
  shownLeft: r.shown_left,
  leasedAt: new Date(r.leased_at),
  leaseExpiresAt: new Date(r.lease_expires_at),
});

/**
 * Leases one assignment to a judge, inside the caller's transaction. In order:
 * 1. the judge's own lease (a reload or a lost response resumes the same comparison), extended;
 * 2. otherwise, if under quota, the first free slot in queue order — slots of comparisons already
 *    started come first (priority 0), expired leases count as free — of a comparison this judge
 *    has never held, judged or skipped. `FOR UPDATE SKIP LOCKED` lets any number of processes
 *    lease concurrently without handing one slot out twice.
 * The judge's row is locked first, so one judge's concurrent calls are serialised (and the
 * quota is exact), while different judges proceed in parallel.
 */
export async function leaseNext(
  tx: Tx,
  {
    judgeId,
    studyId,
    runId = null,
    leaseSeconds,
    quota,
    done,
    excludeId = null,
  }: {
    judgeId: string;
    studyId: string;
    runId?: string | null;
    /** Null: the study's lease length. */
    leaseSeconds: number | null;
    quota: number | null;
    /** The judge's verdict count, when the caller already has it (checked against the quota). */
    done?: number;
    /** Prefetch: the comparison on the judge's screen, which this call must not return. */
    excludeId?: string | null;
  },
): Promise<LeasedAssignment | null> {
  await tx.execute(sql`select id from judges where id = ${judgeId} for update`);
  const seconds = leaseSeconds ?? sql`(select lease_seconds from studies where id = ${studyId})`;
  const runFilter = runId === null ? sql`a.run_id is null` : sql`a.run_id = ${runId}`;

  const own = await queryRows<LeaseRow>(
    tx,
    sql`
    update assignments a set lease_expires_at = now() + make_interval(secs => ${seconds})
    where a.id = (
      select a.id from assignments a
      where a.judge_id = ${judgeId} and a.status = 'leased' and ${runFilter}
        ${excludeId ? sql`and a.id <> ${excludeId}` : sql``}
      order by a.leased_at limit 1
    )
    returning a.id, a.comparison_id, a.shown_left, a.leased_at, a.lease_expires_at`,
  );
  if (own[0]) return toLeased(own[0]);

  if (quota !== null) {
    // A prefetch counts the comparison still on screen against the quota.
    const held = excludeId ? await countHeld(tx, { judgeId, assignmentId: excludeId }) : 0;
    if ((done ?? (await countDone(tx, { judgeId }))) + held >= quota) return null;
  }

  const runQueue =
    runId === null ? sql`a.study_id = ${studyId} and a.run_id is null` : sql`a.run_id = ${runId}`;
  const leased = await queryRows<LeaseRow>(
    tx,
    sql`
    with candidate as (
      select a.id, a.comparison_id from assignments a
      where ${runQueue} and a.status <> 'done'
        and (a.status = 'open' or a.lease_expires_at < now())
        and not exists (select 1 from assignments o where o.comparison_id = a.comparison_id and o.judge_id = ${judgeId})
        and not exists (select 1 from skips s where s.comparison_id = a.comparison_id and s.judge_id = ${judgeId})
      order by a.priority, a.queue_pos
      limit 1
      for update of a skip locked
    )
    update assignments a
    set status = 'leased', judge_id = ${judgeId}, leased_at = now(),
        lease_expires_at = now() + make_interval(secs => ${seconds})
    from candidate
    where a.id = candidate.id
    returning a.id, a.comparison_id, a.shown_left, a.leased_at, a.lease_expires_at`,
  );
  const row = leased[0];
  if (!row) return null;
  // Breadth first: the comparison's other free slots now go ahead of unstarted comparisons.
  // Slots locked by a concurrent lease are being taken anyway: skip them rather than wait (and deadlock).
  await tx.execute(sql`
    update assignments set priority = 0
    where id in (
      select id from assignments
      where comparison_id = ${row.comparison_id} and priority <> 0 and status <> 'done'
      for update skip locked
    )`);
  await tx.execute(
    sql`update comparisons set opened_at = now() where id = ${row.comparison_id} and opened_at is null`,
  );
  return toLeased(row);
}

export async function countDone(tx: Tx, { judgeId }: { judgeId: string }): Promise<number> {
  const r = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from assignments where judge_id = ${judgeId} and status = 'done'`,
  );
  return r[0]?.n ?? 0;
}

async function countHeld(
  tx: Tx,
  { judgeId, assignmentId }: { judgeId: string; assignmentId: string },
) {
  const r = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from assignments where id = ${assignmentId} and judge_id = ${judgeId} and status = 'leased'`,
  );
  return r[0]?.n ?? 0;
}

/** Returns a leased slot to the pool (skip, or a judge giving up); the skip row keeps it from coming back. */
export async function releaseLease(
  tx: Tx,
  { assignmentId }: { assignmentId: string },
): Promise<void> {
  await tx.execute(sql`
    update assignments set status = 'open', judge_id = null, leased_at = null, lease_expires_at = null
    where id = ${assignmentId} and status = 'leased'`);
}
