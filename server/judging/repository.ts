/**
 * Judging owns comparisons, assignments (the judging slots), verdicts and skips: the only SQL that
 * writes or locks them. Humans and LLM runs share one queue: `leaseSlots` is the one lease
 * statement of the server. Some queries read other domains' tables in a join (studies' lease length
 * and axes, imports' items, outputs and images, auth's judge names): each says so where it does.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, sqlList, type Tx } from '../db/client.ts';
import {
  comparisons,
  itemImages,
  items,
  outputs,
  skips,
  studies,
  verdicts,
} from '../db/schema/index.ts';

/** A slot leased to a judge. */
export interface LeasedSlot {
  id: string;
  comparisonId: string;
  slot: number;
  shownLeft: 'a' | 'b';
  judgeId: string;
  leasedAt: Date;
  leaseExpiresAt: Date;
}

interface LeaseRow {
  id: string;
  comparison_id: string;
  slot: number;
  shown_left: 'a' | 'b';
  judge_id: string;
  leased_at: Date | string;
  lease_expires_at: Date | string;
}

const toLeased = (r: LeaseRow): LeasedSlot => ({
  id: r.id,
  comparisonId: r.comparison_id,
  slot: Number(r.slot),
  shownLeft: r.shown_left,
  judgeId: r.judge_id,
  leasedAt: new Date(r.leased_at),
  leaseExpiresAt: new Date(r.lease_expires_at),
});

const LEASED_COLUMNS = sql`a.id, a.comparison_id, a.slot, a.shown_left, a.judge_id, a.leased_at, a.lease_expires_at`;

/**
 * The queue a lease draws from, and the judge each slot goes to:
 * - a study's human queue (slots of no run), for one judge, never the comparison on their screen;
 * - an LLM run's slots, slot n for the run's judge n.
 */
export type LeaseQueue =
  | { studyId: string; judgeId: string; excludeId: string | null }
  | { runId: string; judgeIds: string[] };

/** A lease length in seconds; null is the study's own (a read of studies' row), for a human queue. */
function leaseLength(queue: LeaseQueue, seconds: number | null): SQL | number {
  if (seconds !== null) return seconds;
  if (!('studyId' in queue)) throw new Error('an LLM run lease needs its length');
  return sql`(select lease_seconds from studies where id = ${queue.studyId})`;
}

/** `(slot, judge_id)` rows: which judge each slot number of a run belongs to. */
const judgeMap = (judgeIds: string[]): SQL =>
  sql`(values ${sql.join(
    judgeIds.map((id, slot) => sql`(${slot}::int, ${id}::uuid)`),
    sql`, `,
  )}) as m(slot, judge_id)`;

/** The two-key advisory lock space of judge leases (the one-key space holds the migration lock). */
const JUDGE_LOCK_SPACE = 7_351_205;

/**
 * Serialises one judge's leases (so a quota is exact) while different judges proceed in parallel.
 * A transaction-scoped advisory lock keyed on the judge, not a row lock: the judges row is auth's.
 */
export async function lockJudgeQueue(tx: Tx, { judgeId }: { judgeId: string }): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${JUDGE_LOCK_SPACE}, hashtext(${judgeId}::text))`,
  );
}

/**
 * The judge's own human lease (a reload or a lost response resumes the same comparison), extended;
 * null when they hold none besides `excludeId`.
 */
export async function renewOwnLease(
  tx: Tx,
  {
    studyId,
    judgeId,
    excludeId,
    leaseSeconds,
  }: { studyId: string; judgeId: string; excludeId: string | null; leaseSeconds: number | null },
): Promise<LeasedSlot | null> {
  const seconds = leaseLength({ studyId, judgeId, excludeId }, leaseSeconds);
  const rows = await queryRows<LeaseRow>(
    tx,
    sql`
    update assignments a set lease_expires_at = now() + make_interval(secs => ${seconds})
    where a.id = (
      select a.id from assignments a
      where a.judge_id = ${judgeId} and a.status = 'leased' and a.run_id is null
        ${excludeId ? sql`and a.id <> ${excludeId}` : sql``}
      order by a.leased_at limit 1
    )
    returning ${LEASED_COLUMNS}`,
  );
  return rows[0] ? toLeased(rows[0]) : null;
}

/**
 * THE lease: takes up to `limit` free slots of a queue (open, or with an expired lease) in queue
 * order, each for its judge, never a comparison that judge holds, judged or skipped in any slot.
 * `FOR UPDATE SKIP LOCKED` lets any number of processes lease concurrently without handing one slot
 * out twice. In a study's human queue slots of comparisons already started come first (priority 0):
 * breadth first, judges finish comparisons before they open new ones.
 */
export async function leaseSlots(
  tx: Tx,
  { queue, limit, leaseSeconds }: { queue: LeaseQueue; limit: number; leaseSeconds: number | null },
): Promise<LeasedSlot[]> {
  const human = 'studyId' in queue;
  const judges = human
    ? sql`(select ${queue.judgeId}::uuid as judge_id) m on true`
    : sql`${judgeMap(queue.judgeIds)} on m.slot = a.slot`;
  const inQueue = human
    ? sql`a.study_id = ${queue.studyId} and a.run_id is null
        ${queue.excludeId ? sql`and a.id <> ${queue.excludeId}` : sql``}`
    : sql`a.run_id = ${queue.runId}`;
  // A human lease also starts its comparison: the comparison's other free slots go ahead of
  // unstarted comparisons (priority 0, the leased slot's too) and it is marked opened. This
  // sibling update is not a lease: its SKIP LOCKED leaves out sibling slots a concurrent lease has
  // just locked (they are being taken anyway), since waiting for them could deadlock two judges
  // leasing slots of the same comparison.
  const startComparison = human
    ? sql`, promoted as (
      update assignments set priority = 0
      where id in (
        select o.id from assignments o join leased l on o.comparison_id = l.comparison_id
        where o.id <> l.id and o.priority <> 0 and o.status <> 'done'
        for update of o skip locked
      )
    ), opened as (
      update comparisons c set opened_at = now()
      from leased l where c.id = l.comparison_id and c.opened_at is null
    )`
    : sql``;
  const rows = await queryRows<LeaseRow>(
    tx,
    sql`
    with candidate as (
      select a.id, m.judge_id from assignments a join ${judges}
      where ${inQueue} and a.status <> 'done'
        and (a.status = 'open' or a.lease_expires_at < now())
        and not exists (select 1 from assignments o where o.comparison_id = a.comparison_id and o.judge_id = m.judge_id and o.id <> a.id)
        and not exists (select 1 from skips s where s.comparison_id = a.comparison_id and s.judge_id = m.judge_id)
      order by a.priority, a.queue_pos
      limit ${limit}
      for update of a skip locked
    ), leased as (
      update assignments a
      set status = 'leased', judge_id = candidate.judge_id, leased_at = now(),
          lease_expires_at = now() + make_interval(secs => ${leaseLength(queue, leaseSeconds)})
          ${human ? sql`, priority = 0` : sql``}
      from candidate
      where a.id = candidate.id
      returning ${LEASED_COLUMNS}
    )${startComparison}
    select * from leased`,
  );
  return rows.map(toLeased);
}

/** How many slots the judge has finished. */
export async function countDone(tx: Tx, { judgeId }: { judgeId: string }): Promise<number> {
  const r = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from assignments where judge_id = ${judgeId} and status = 'done'`,
  );
  return r[0]?.n ?? 0;
}

/** 1 when the judge holds this slot's lease, else 0. */
export async function countHeld(
  tx: Tx,
  { judgeId, assignmentId }: { judgeId: string; assignmentId: string },
): Promise<number> {
  const r = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from assignments where id = ${assignmentId} and judge_id = ${judgeId} and status = 'leased'`,
  );
  return r[0]?.n ?? 0;
}

/** Extends the leases still held among `ids`. */
export async function renewLeases(
  tx: Tx,
  { ids, leaseSeconds }: { ids: string[]; leaseSeconds: number },
): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`
    update assignments set lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
    where id in (${sqlList(ids)}) and status = 'leased'`);
}

/** Returns leased slots to the pool: all of `ids` still leased, or every leased slot of a run. */
export async function releaseLeases(
  tx: Tx,
  which: { ids: string[] } | { runId: string },
): Promise<void> {
  if ('ids' in which && which.ids.length === 0) return;
  const where = 'ids' in which ? sql`id in (${sqlList(which.ids)})` : sql`run_id = ${which.runId}`;
  await tx.execute(sql`
    update assignments set status = 'open', judge_id = null, leased_at = null, lease_expires_at = null
    where ${where} and status = 'leased'`);
}

/** Marks slots done (their last verdict is in). */
export async function markSlotsDone(tx: Tx, { ids }: { ids: string[] }): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`
    update assignments set status = 'done', completed_at = now(), lease_expires_at = null
    where id in (${sqlList(ids)})`);
}

export async function countUnfinishedSlots(tx: Tx, { runId }: { runId: string }): Promise<number> {
  const r = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from assignments where run_id = ${runId} and status <> 'done'`,
  );
  return r[0]?.n ?? 0;
}

/**
 * Inserts planned slots, the one way slots are made. `planned` yields (comparison_id, slot, h):
 * left/right and the queue order are drawn from the hash h, which callers compute from the seed and
 * stable names (item external id, system names, slot or judge), so the same seed gives the same
 * plan on any database. A slot that exists already is kept. Returns how many were created.
 */
async function insertSlots(
  tx: Tx,
  { studyId, runId, planned }: { studyId: string; runId: string | null; planned: SQL },
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`
    with planned as (${planned}), inserted as (
      insert into assignments (comparison_id, study_id, slot, run_id, shown_left, queue_pos)
      select p.comparison_id, ${studyId}, p.slot, ${runId},
        case when get_byte(p.h, 0) % 2 = 0 then 'a' else 'b' end,
        ('x' || substr(encode(p.h, 'hex'), 3, 15))::bit(60)::bigint
      from planned p
      on conflict do nothing
      returning 1
    )
    select count(*)::int as n from inserted`,
  );
  return rows[0]?.n ?? 0;
}

/** One system pair's plan, as pairing sends it: the seeded sample of items both systems answered. */
export interface PairPlan {
  studyId: string;
  pairingId: string;
  a: { id: string; name: string };
  b: { id: string; name: string };
  seed: string;
  sample: number | null;
}

/** The items with an output from both systems (the seeded sample of them, if asked): reads imports' items and outputs. */
const eligibleItems = ({ studyId, a, b, seed, sample }: PairPlan): SQL => sql`
  select i.id, i.external_id from items i
  join outputs oa on oa.item_id = i.id and oa.system_id = ${a.id}
  join outputs ob on ob.item_id = i.id and ob.system_id = ${b.id}
  where i.study_id = ${studyId}
  ${sample ? sql`order by sha256(convert_to(${seed} || '|sample|' || i.external_id, 'UTF8')) limit ${sample}` : sql``}`;

/** Creates the comparisons of one system pair; returns how many were new and how many existed. */
export async function insertComparisons(
  tx: Tx,
  plan: PairPlan,
): Promise<{ created: number; existing: number }> {
  const rows = await queryRows<{ n: number; total: number }>(
    tx,
    sql`
    with eligible as (${eligibleItems(plan)}), inserted as (
      insert into comparisons (study_id, item_id, system_a_id, system_b_id, pairing_id)
      select ${plan.studyId}, e.id, ${plan.a.id}, ${plan.b.id}, ${plan.pairingId} from eligible e
      on conflict do nothing
      returning 1
    )
    select (select count(*)::int from inserted) as n, (select count(*)::int from eligible) as total`,
  );
  const row = rows[0]!;
  return { created: row.n, existing: row.total - row.n };
}

/** Creates the K human slots (0..K-1) of each comparison of one system pair. */
export async function insertPairSlots(tx: Tx, plan: PairPlan & { k: number }): Promise<number> {
  const { seed, a, b, k } = plan;
  return insertSlots(tx, {
    studyId: plan.studyId,
    runId: null,
    planned: sql`
      with eligible as (${eligibleItems(plan)})
      select c.id as comparison_id, s.slot,
        sha256(convert_to(${seed} || '|' || e.external_id || '|' || ${a.name} || '|' || ${b.name} || '|' || s.slot, 'UTF8')) as h
      from eligible e
      join comparisons c on c.item_id = e.id and c.system_a_id = ${a.id} and c.system_b_id = ${b.id}
      cross join generate_series(0, ${k - 1}) as s(slot)`,
  });
}

/**
 * Creates an LLM run's slots: one per comparison of the study and judge (slot n for judge n),
 * except where that judge already holds a slot of the comparison from another run. Reads imports'
 * items, studies' systems and auth's judge names for the hash.
 */
export async function insertRunSlots(
  tx: Tx,
  {
    runId,
    studyId,
    judgeIds,
    seed,
  }: { runId: string; studyId: string; judgeIds: string[]; seed: string },
): Promise<number> {
  return insertSlots(tx, {
    studyId,
    runId,
    planned: sql`
      select c.id as comparison_id, m.slot, sha256(convert_to(
        ${seed} || '|' || i.external_id || '|' || sa.name || '|' || sb.name || '|' || j.name, 'UTF8')) as h
      from comparisons c
      join items i on i.id = c.item_id
      join systems sa on sa.id = c.system_a_id
      join systems sb on sb.id = c.system_b_id
      cross join ${judgeMap(judgeIds)}
      join judges j on j.id = m.judge_id
      where c.study_id = ${studyId}
        and not exists (select 1 from assignments o where o.comparison_id = c.id and o.judge_id = m.judge_id)`,
  });
}

/** Deletes a run's open slots whose judge meanwhile judged the comparison in another run: they can never be leased. */
export async function deleteBlockedSlots(
  tx: Tx,
  { runId, judgeIds }: { runId: string; judgeIds: string[] },
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`
    with deleted as (
      delete from assignments a using ${judgeMap(judgeIds)}
      where a.run_id = ${runId} and a.status = 'open' and m.slot = a.slot
        and exists (select 1 from assignments o where o.comparison_id = a.comparison_id and o.judge_id = m.judge_id and o.id <> a.id)
      returning 1
    ) select count(*)::int as n from deleted`,
  );
  return rows[0]?.n ?? 0;
}

export interface HumanSlotRow {
  id: string;
  comparison_id: string;
  study_id: string;
  judge_id: string | null;
  status: 'open' | 'leased' | 'done';
  shown_left: 'a' | 'b';
  leased_at: Date | string | null;
  /** The study's axes and whether each needs a verdict (a read of studies' row). */
  axes: string[];
  require_axes: number;
}

/** Locks a human slot for a verdict or a skip; null when there is no such human slot. */
export async function lockHumanSlot(
  tx: Tx,
  { assignmentId }: { assignmentId: string },
): Promise<HumanSlotRow | null> {
  const r = await queryRows<HumanSlotRow>(
    tx,
    sql`
    select a.id, a.comparison_id, a.study_id, a.judge_id, a.status, a.shown_left, a.leased_at,
      s.axes, s.require_axes
    from assignments a join studies s on s.id = a.study_id
    where a.id = ${assignmentId} and a.run_id is null
    for update of a`,
  );
  return r[0] ?? null;
}

export type VerdictRow = typeof verdicts.$inferSelect;
export type NewVerdict = typeof verdicts.$inferInsert;

/** The verdict of a human slot (humans judge one order), if any. */
export async function getVerdict(
  tx: Tx,
  { assignmentId }: { assignmentId: string },
): Promise<VerdictRow | null> {
  const [row] = await tx.select().from(verdicts).where(eq(verdicts.assignmentId, assignmentId));
  return row ?? null;
}

/**
 * Inserts verdicts, the one way verdicts are written; one already stored for the same slot and
 * order is kept. Returns `assignmentId:shownLeft` of those inserted.
 */
export async function insertVerdicts(tx: Tx, rows: NewVerdict[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  if (rows.length === 0) return inserted;
  const out = await tx
    .insert(verdicts)
    .values(rows)
    .onConflictDoNothing()
    .returning({ assignmentId: verdicts.assignmentId, shownLeft: verdicts.shownLeft });
  for (const row of out) inserted.add(`${row.assignmentId}:${row.shownLeft}`);
  return inserted;
}

export async function hasSkipped(
  tx: Tx,
  { comparisonId, judgeId }: { comparisonId: string; judgeId: string },
): Promise<boolean> {
  const [row] = await tx
    .select({ id: skips.id })
    .from(skips)
    .where(and(eq(skips.comparisonId, comparisonId), eq(skips.judgeId, judgeId)));
  return row !== undefined;
}

export async function insertSkip(
  tx: Tx,
  row: {
    comparisonId: string;
    judgeId: string;
    reason: 'skip' | 'cannot_judge';
    note: string | null;
  },
): Promise<void> {
  await tx.insert(skips).values(row);
}

/**
 * What a judge is shown of a comparison, in three reads: the comparison with its item and the
 * study's axes, both systems' outputs, the item's image ids (imports' and studies' tables, read).
 * Null when there is no such comparison.
 */
export async function getComparisonMaterial(tx: Tx, { comparisonId }: { comparisonId: string }) {
  const [c] = await tx
    .select({
      itemId: comparisons.itemId,
      a: comparisons.systemAId,
      b: comparisons.systemBId,
      question: items.question,
      metadata: items.metadata,
      modality: items.modality,
      axes: studies.axes,
    })
    .from(comparisons)
    .innerJoin(items, eq(items.id, comparisons.itemId))
    .innerJoin(studies, eq(studies.id, comparisons.studyId))
    .where(eq(comparisons.id, comparisonId));
  if (!c) return null;
  const outs = await tx
    .select({ systemId: outputs.systemId, trace: outputs.trace, answer: outputs.answer })
    .from(outputs)
    .where(and(eq(outputs.itemId, c.itemId), sql`${outputs.systemId} in (${c.a}, ${c.b})`));
  const images = await tx
    .select({ id: itemImages.id })
    .from(itemImages)
    .where(eq(itemImages.itemId, c.itemId))
    .orderBy(asc(itemImages.position));
  return { ...c, outputs: outs, imageIds: images.map((i) => i.id) };
}
