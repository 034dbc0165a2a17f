/**
 * Judging owns comparisons, assignments (the judging slots), verdicts and skips: the only SQL that
 * writes or locks them. Humans and LLM runs share one queue: `leaseSlots` is the one lease of the
 * server, the CTEs of both lease statements (`leaseWithView`, a human's lease with what they are
 * shown; `leaseRun`, an LLM run's batch). Verdicts are written by `insertVerdicts` (LLM runs) and
 * `recordHumanVerdict` (a human's, in one statement with the slot's completion). The statements
 * of the judging cycle are prepared (`preparedRows`). Some queries read other domains' tables in a
 * join (studies' lease length and axes, imports' items, outputs and images, auth's judge names):
 * each says so where it does.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { StudyEvent } from '../../shared/events.ts';
import { preparedRows, queryRows, sqlList, type Tx } from '../db/client.ts';
import { EVENTS_CHANNEL, eventPayload } from '../db/events.ts';
import { skips, verdicts, type Side } from '../db/schema/index.ts';
import { judgeText, notHeldOut, redactionJoin } from '../integrity/queue-sql.ts';

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
function leaseLength(queue: LeaseQueue, seconds: number | null): SQL {
  if ('studyId' in queue)
    return sql`coalesce(${seconds}::int, (select lease_seconds from studies where id = ${queue.studyId}::uuid))`;
  if (seconds === null) throw new Error('an LLM run lease needs its length');
  return sql`${seconds}::int`;
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
 * Its own statement, before the lease: in READ COMMITTED the lease's snapshot is then taken after
 * the judge's previous lease committed, so it sees that lease and the judge's count.
 *
 * It also tells PostgreSQL, for the rest of the transaction, to run prepared statements on their
 * generic plan: left to choose, it planned the lease afresh on every call (its custom plans are
 * estimated cheaper), ~3 ms of planning for a statement that runs in 0.5 ms, while the generic
 * plan walks the same queue index.
 */
export async function lockJudgeQueue(tx: Tx, { judgeId }: { judgeId: string }): Promise<void> {
  await preparedRows(
    tx,
    'judging_lock_judge',
    sql`select pg_advisory_xact_lock(${JUDGE_LOCK_SPACE}::int, hashtext(${judgeId}::text)),
      set_config('plan_cache_mode', 'force_generic_plan', true)`,
  );
}

/**
 * THE lease, as the CTEs `candidate` and `leased` of a statement: takes up to `limit` free slots of
 * a queue (open, or with an expired lease) in queue order, each for its judge, never a comparison
 * that judge holds, judged or skipped in any slot, while `gate` holds. `FOR UPDATE SKIP LOCKED` lets
 * any number of processes lease concurrently without handing one slot out twice. In a study's
 * human queue slots of comparisons already started come first (priority 0): breadth first, judges
 * finish comparisons before they open new ones. The text depends on the queue's kind only, so each
 * kind's statement is prepared once per connection.
 */
function leaseSlots(
  queue: LeaseQueue,
  {
    limit,
    leaseSeconds,
    gate,
    unseenItem = false,
  }: { limit: SQL; leaseSeconds: number | null; gate: SQL; unseenItem?: boolean },
): SQL {
  const human = 'studyId' in queue;
  const judges = human
    ? sql`(select ${queue.judgeId}::uuid as judge_id) m on true`
    : // Slot n goes to the run's judge n (ordinality counts from 1); ids as one array literal.
      sql`unnest(${`{${queue.judgeIds.join(',')}}`}::uuid[]) with ordinality as m(judge_id, n) on m.n - 1 = a.slot`;
  const inQueue = human
    ? sql`a.study_id = ${queue.studyId}::uuid and a.run_id is null and a.id is distinct from ${queue.excludeId}::uuid`
    : sql`a.run_id = ${queue.runId}::uuid`;
  // The identity-leak hold (docs/integrity.md): a comparison with a held or excluded output waits.
  const heldOutGate = notHeldOut(sql`a.comparison_id`);
  // Auto-stop (issue 15): a slot parked because its pair has enough verdicts is passed over.
  const notStopped = notParked(sql`a`);
  // A human lease also starts its comparison, in the lease's own update (priority 0, never a second
  // write of the leased row): the comparison's other free slots go ahead of unstarted comparisons
  // and it is marked opened. This sibling update is not a lease: its SKIP LOCKED leaves out sibling
  // slots a concurrent lease has just locked (they are being taken anyway), since waiting for them
  // could deadlock two judges leasing slots of the same comparison.
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
  return sql`candidate as (
      select a.id, m.judge_id from assignments a join ${judges}
      where ${gate} and ${inQueue} and a.status <> 'done'
        and (a.status = 'open' or a.lease_expires_at < now())
        and ${heldOutGate} and ${notStopped}
        and not exists (select 1 from assignments o where o.comparison_id = a.comparison_id and o.judge_id = m.judge_id and o.id <> a.id)
        and not exists (select 1 from skips s where s.comparison_id = a.comparison_id and s.judge_id = m.judge_id)
        ${unseenItem ? sql`and ${unseenItemGate(sql`a.comparison_id`, sql`m.judge_id`)}` : sql``}
      order by a.priority, a.queue_pos
      limit ${limit}
      for update of a skip locked
    ), leased as (
      update assignments a
      set status = 'leased', judge_id = candidate.judge_id, leased_at = now(),
          -- an expired lease taken over: its holder saw the comparison (the unseen-item rule)
          held_by = case when a.judge_id is not null and a.judge_id <> candidate.judge_id
            then array_append(a.held_by, a.judge_id) else a.held_by end,
          lease_expires_at = now() + make_interval(secs => ${leaseLength(queue, leaseSeconds)})
          ${human ? sql`, priority = 0` : sql``}
      from candidate
      where a.id = candidate.id
      returning ${LEASED_COLUMNS}
    )${startComparison}`;
}

/**
 * The judge has held (now, or before their lease expired and was taken over: `held_by`), judged
 * or skipped no other comparison of the item of `comparisonId`. Two comparisons of one item
 * against a common system show that system's output twice, so a judge who sees both can tell
 * which side it is on (docs/integrity.md): the human lease looks first for a slot this holds for. Per candidate, a probe of the item's few comparisons
 * (comparisons_item_pair) and of the judge's slot or skip on each (assignments_comparison_judge,
 * skips_comparison_judge); the walk stops at the first slot it holds for, so it costs nothing
 * while unseen items are near the head of the queue. For a judge who has seen every item left it
 * walks the rest of the queue before the lease without it: measured on PostgreSQL here, 31–33 ms
 * at 4,000 such slots, 0.4–0.9 s at 40,000 (a judge with 20,000 comparisons behind them),
 * against 4–7 ms. A window bounding the walk (the next 200 slots, as a subquery with its own
 * LIMIT) was planned as a sort of the whole window on every lease: 100–108 cycles/s against
 * 230–259 in bench:judging, so the walk is left unbounded.
 */
const unseenItemGate = (comparisonId: SQL, judgeId: SQL): SQL =>
  // A scalar subquery, not `not exists`: PostgreSQL turns a `not exists` into an anti-join whose
  // result it estimates at one row once the tables have statistics (nearly every comparison shares
  // its item), and then plans every lease as a sort of all the study's free slots (150–250 ms a
  // lease at 10,000 items × 3 candidates after `analyze`, for a judge who had seen nothing); as a
  // per-row filter the lease keeps walking the queue index.
  sql`not coalesce((
          select true from comparisons c0 join comparisons c2 on c2.item_id = c0.item_id and c2.id <> c0.id
          where c0.id = ${comparisonId}
            and (exists (select 1 from assignments o where o.comparison_id = c2.id
                and (o.judge_id = ${judgeId} or ${judgeId} = any(o.held_by)))
              or exists (select 1 from skips s2 where s2.comparison_id = c2.id and s2.judge_id = ${judgeId}))
          limit 1), false)`;

/**
 * The priority of a human slot parked by auto-stop (issue 15, `applyAllocation`): its pair's
 * confidence sequence has decided or is narrower than the study's target, so the queue stops
 * handing out the pair's unstarted comparisons. Parked slots sort after every other slot of the
 * queue index (study, priority, queue_pos), so the lease reaches them last and passes them over.
 */
export const PARKED_PRIORITY = 2;

/** The lease's auto-stop condition on the slot row `a`: not parked. */
const notParked = (a: SQL): SQL => sql`${a}.priority <> ${sql.raw(String(PARKED_PRIORITY))}`;

/** Leases up to `limit` free slots of an LLM run, each for its slot's judge (THE lease, `leaseSlots`). */
export async function leaseRun(
  tx: Tx,
  {
    queue,
    limit,
    leaseSeconds,
  }: { queue: Extract<LeaseQueue, { runId: string }>; limit: number; leaseSeconds: number },
): Promise<LeasedSlot[]> {
  const rows = await preparedRows<LeaseRow>(
    tx,
    'judging_lease_run',
    sql`with ${leaseSlots(queue, { limit: sql`${limit}::int`, leaseSeconds, gate: sql`true` })} select * from leased`,
  );
  return rows.map(toLeased);
}

/**
 * The qualification gate of a human lease (qualification's tables, read): when the study requires
 * training, only a judge qualification records as passed takes real comparisons. Part of the
 * lease statement, so a qualified judge's cycle costs no extra round trip; two primary-key reads.
 */
const qualifiedGate = ({ studyId, judgeId }: { studyId: string; judgeId: string }): SQL =>
  sql`(not exists (select 1 from qualification_settings q where q.study_id = ${studyId}::uuid and q.required)
    or exists (select 1 from judge_standing g where g.judge_id = ${judgeId}::uuid and g.qualified_at is not null))`;

/** A human judge's lease with what they are shown of it (imports' and studies' rows, read). */
export interface JudgeLeaseView {
  id: string;
  shownLeft: 'a' | 'b';
  leaseExpiresAt: Date;
  /** The judge's finished slots. */
  done: number;
  question: string;
  modality: string | null;
  axes: string[];
  imageIds: string[];
  /** System a's and b's outputs (null only if the import lost one: a broken comparison). */
  a: { trace: string; answer: string } | null;
  b: { trace: string; answer: string } | null;
}

interface JudgeLeaseRow {
  id: string;
  shown_left: 'a' | 'b';
  lease_expires_at: Date | string;
  done: number;
  question: string;
  modality: string | null;
  axes: string[];
  image_ids: string[];
  a_trace: string | null;
  a_answer: string | null;
  b_trace: string | null;
  b_answer: string | null;
}

/**
 * A human judge's next slot and its view, in one statement (after `lockJudgeQueue`; a second only
 * when the first finds no slot): the judge's own lease first (a reload or a lost response resumes
 * the same comparison), extended; otherwise, while their finished slots plus the one on screen
 * (`excludeId`, a prefetch) stay under the quota, the queue's next slot (THE lease, `leaseSlots`)
 * of an item the judge has not seen (`unseenItemGate`); if there is none, in the second
 * statement, the queue's next slot. Returns the judge's count of finished slots and
 * the comparison as a judge sees it, joined in: the item, both outputs and the image ids (imports'
 * tables) and the axes (studies'), read only. Null when there is nothing for the judge.
 */
export async function leaseWithView(tx: Tx, args: HumanLeaseArgs): Promise<JudgeLeaseView | null> {
  // a slot of an item the judge has not seen first; only when there is none, any
  return (
    (await leaseWithViewOnce(tx, { ...args, unseenItem: true })) ??
    (await leaseWithViewOnce(tx, { ...args, unseenItem: false }))
  );
}

interface HumanLeaseArgs {
  studyId: string;
  judgeId: string;
  excludeId: string | null;
  leaseSeconds: number | null;
  quota: number | null;
}

async function leaseWithViewOnce(
  tx: Tx,
  {
    studyId,
    judgeId,
    excludeId,
    leaseSeconds,
    quota,
    unseenItem,
  }: HumanLeaseArgs & { unseenItem: boolean },
): Promise<JudgeLeaseView | null> {
  const queue = { studyId, judgeId, excludeId };
  const rows = await preparedRows<JudgeLeaseRow>(
    tx,
    unseenItem ? 'judging_lease_human_view_unseen_item' : 'judging_lease_human_view',
    sql`
    with own as (
      update assignments a set lease_expires_at = now() + make_interval(secs => ${leaseLength(queue, leaseSeconds)})
      where a.id = (
        select o.id from assignments o
        where o.judge_id = ${judgeId}::uuid and o.status = 'leased' and o.run_id is null
          and o.id is distinct from ${excludeId}::uuid and ${notHeldOut(sql`o.comparison_id`)}
        order by o.leased_at limit 1
      )
      returning ${LEASED_COLUMNS}
    ), done as (
      select count(*)::int as n from assignments where judge_id = ${judgeId}::uuid and status = 'done'
    ), room as (
      select not exists (select 1 from own) and (${quota}::int is null
        or (select n from done) + (select count(*)::int from assignments h
          where h.id = ${excludeId}::uuid and h.judge_id = ${judgeId}::uuid and h.status = 'leased') < ${quota}::int) as ok
    ), ${leaseSlots(queue, {
      // A constant: the statement runs on its generic plan (lockJudgeQueue), which must know it.
      limit: sql`1`,
      leaseSeconds,
      gate: sql`(select ok from room) and ${qualifiedGate(queue)}`,
      unseenItem,
    })},
    slot as (select * from own union all select * from leased)
    select s.id, s.shown_left, s.lease_expires_at, d.n as done, i.question, i.modality, st.axes,
      array(select im.id from item_images im where im.item_id = c.item_id order by im.position) as image_ids,
      ${judgeText('oa', 'ra', 'trace')} as a_trace, ${judgeText('oa', 'ra', 'answer')} as a_answer,
      ${judgeText('ob', 'rb', 'trace')} as b_trace, ${judgeText('ob', 'rb', 'answer')} as b_answer
    from slot s cross join done d
    join comparisons c on c.id = s.comparison_id
    join items i on i.id = c.item_id
    join studies st on st.id = c.study_id
    left join outputs oa on oa.item_id = c.item_id and oa.system_id = c.system_a_id
    left join outputs ob on ob.item_id = c.item_id and ob.system_id = c.system_b_id
    ${redactionJoin('oa', 'ra')}
    ${redactionJoin('ob', 'rb')}`,
  );
  const r = rows[0];
  if (!r) return null;
  const output = (trace: string | null, answer: string | null) =>
    trace === null || answer === null ? null : { trace, answer };
  return {
    id: r.id,
    shownLeft: r.shown_left,
    leaseExpiresAt: new Date(r.lease_expires_at),
    done: Number(r.done),
    question: r.question,
    modality: r.modality,
    axes: r.axes,
    imageIds: r.image_ids,
    a: output(r.a_trace, r.a_answer),
    b: output(r.b_trace, r.b_answer),
  };
}

/** How many slots the judge has finished. */
export async function countDone(tx: Tx, { judgeId }: { judgeId: string }): Promise<number> {
  const r = await preparedRows<{ n: number }>(
    tx,
    'judging_count_done',
    sql`select count(*)::int as n from assignments where judge_id = ${judgeId}::uuid and status = 'done'`,
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

/** A run's slots still to judge; those of comparisons held for an identity leak wait outside the run. */
export async function countUnfinishedSlots(tx: Tx, { runId }: { runId: string }): Promise<number> {
  const r = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from assignments a where a.run_id = ${runId} and a.status <> 'done'
      and ${notHeldOut(sql`a.comparison_id`)}`,
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

/** The two-key advisory lock space of pairings (beside leases' and allocation refreshes'). */
const PAIRING_LOCK_SPACE = 7_351_207;

/**
 * Serialises a study's pairings across processes (transaction-scoped), so that two plans naming a
 * system pair in opposite orientations cannot both find it uncompared.
 */
export async function lockStudyPairing(tx: Tx, { studyId }: { studyId: string }): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${PAIRING_LOCK_SPACE}::int, hashtext(${studyId}::text))`,
  );
}

/** Whether the study has a comparison with system `aId` as a and `bId` as b. */
export async function hasComparisons(
  tx: Tx,
  { studyId, aId, bId }: { studyId: string; aId: string; bId: string },
): Promise<boolean> {
  const rows = await queryRows<{ found: boolean }>(
    tx,
    sql`select exists (select 1 from comparisons where study_id = ${studyId}
          and system_a_id = ${aId} and system_b_id = ${bId}) as found`,
  );
  return rows[0]?.found === true;
}

/**
 * Creates the comparisons of one system pair; returns how many were new and how many existed. An
 * item already compared in the other orientation (b as a) counts as existing: a pair of systems is
 * compared once per item.
 */
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
      where not exists (select 1 from comparisons r where r.item_id = e.id
        and r.system_a_id = ${plan.b.id} and r.system_b_id = ${plan.a.id})
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

/** A human verdict as the judge gave it, mapped to the systems for either side shown left. */
export interface HumanVerdict {
  assignmentId: string;
  judgeId: string;
  studyId: string;
  /** Winner and axes relative to the systems, when system a was shown left and when b was. */
  ifShownLeft: Record<'a' | 'b', { winner: Side; axes: Record<string, Side> }>;
  strength: number | null;
  note: string | null;
  /** The page's reading time, if it sent one. */
  readingMs: number | null;
  /** The study event announced with the verdict. */
  event: StudyEvent;
}

/** What `recordHumanVerdict` saw: the slot (locked), the verdict stored before, and what it did. */
export interface HumanVerdictOutcome {
  slot: HumanSlotRow | null;
  existing: Pick<VerdictRow, 'winner' | 'axes' | 'strength' | 'note'> | null;
  inserted: boolean;
  /** The judge's finished slots, this one included when it was inserted. */
  done: number;
  /** The study steers its queue (auto-stop or adaptive allocation, issue 15): refresh it. */
  steer: boolean;
}

/** The slot as `lockHumanSlot` sees it (id null: no such slot), and what the statement did. */
interface HumanVerdictRow extends Omit<HumanSlotRow, 'id'> {
  id: string | null;
  inserted: number;
  done: number;
  v_winner: Side | null;
  v_axes: Record<string, Side> | null;
  v_strength: number | null;
  v_note: string | null;
  steer: boolean | null;
}

/**
 * A human verdict in one statement: locks the slot, and when the judge holds its lease and the axes
 * fit the study's (a read of studies' row), inserts the verdict (`on conflict do nothing`: one per
 * slot), marks the slot done and announces the study event (delivered on commit). Otherwise it
 * writes nothing and returns what the caller needs to say why: the slot and the verdict already
 * stored, if any (read in the statement's snapshot: one committed while this statement waited for
 * the slot's lock is not seen, and the caller reads it again).
 */
export async function recordHumanVerdict(db: Tx, v: HumanVerdict): Promise<HumanVerdictOutcome> {
  const shown = (side: 'a' | 'b') => ({
    winner: v.ifShownLeft[side].winner,
    axes: JSON.stringify(v.ifShownLeft[side].axes),
  });
  const [a, b] = [shown('a'), shown('b')];
  const rows = await preparedRows<HumanVerdictRow>(
    db,
    'judging_record_human_verdict',
    sql`
    with slot as (
      select a.id, a.comparison_id, a.study_id, a.judge_id, a.status, a.shown_left, a.leased_at,
        s.axes, s.require_axes, s.auto_stop or s.adaptive as steer
      from assignments a join studies s on s.id = a.study_id
      where a.id = ${v.assignmentId}::uuid and a.run_id is null
      for update of a
    ), valid as (
      select slot.* from slot
      where slot.study_id = ${v.studyId}::uuid and slot.judge_id = ${v.judgeId}::uuid
        and slot.status = 'leased'
        and not exists (select 1 from jsonb_object_keys(${a.axes}::jsonb) k where not slot.axes ? k)
        and (slot.require_axes = 0 or not exists (
          select 1 from jsonb_array_elements_text(slot.axes) x where not ${a.axes}::jsonb ? x))
    ), inserted as (
      insert into verdicts (assignment_id, comparison_id, judge_id, winner, axes, strength, note,
        shown_left, leased_at, duration_ms, reading_ms, wall_ms)
      select valid.id, valid.comparison_id, valid.judge_id,
        case valid.shown_left when 'a' then ${a.winner}::text else ${b.winner}::text end,
        case valid.shown_left when 'a' then ${a.axes}::jsonb else ${b.axes}::jsonb end,
        ${v.strength}::smallint, ${v.note}::text, valid.shown_left, valid.leased_at,
        coalesce(${v.readingMs}::int, w.ms), ${v.readingMs}::int, w.ms
      from valid cross join lateral (
        select greatest(0, floor(extract(epoch from now() - valid.leased_at) * 1000))::int as ms
      ) w
      on conflict do nothing
      returning assignment_id
    ), finished as (
      update assignments set status = 'done', completed_at = now(), lease_expires_at = null
      where id in (select assignment_id from inserted)
      returning id
    ), announced as (
      select pg_notify(${EVENTS_CHANNEL}::text, ${eventPayload(v.event)}::text) from finished
    )
    select slot.*, (select count(*)::int from finished) as inserted,
      (select count(*)::int from assignments where judge_id = ${v.judgeId}::uuid and status = 'done')
        + (select count(*)::int from finished) as done,
      -- Named here so that the notification is sent (a CTE that no one reads is not run).
      (select count(*)::int from announced) as announced,
      ov.winner as v_winner, ov.axes as v_axes, ov.strength as v_strength, ov.note as v_note
    from (select 1) one
    left join slot on true
    left join verdicts ov on ov.assignment_id = slot.id`,
  );
  const r = rows[0]!;
  return {
    slot: r.id === null ? null : { ...r, id: r.id },
    existing:
      r.v_winner === null
        ? null
        : { winner: r.v_winner, axes: r.v_axes ?? {}, strength: r.v_strength, note: r.v_note },
    inserted: r.inserted > 0,
    done: Number(r.done),
    steer: r.steer === true,
  };
}

/** The two-key advisory lock space of allocation refreshes (beside the judge leases' space). */
const ALLOCATION_LOCK_SPACE = 7_351_206;

/** Serialises a study's allocation refreshes across processes (transaction-scoped). */
export async function lockStudyAllocation(tx: Tx, { studyId }: { studyId: string }): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${ALLOCATION_LOCK_SPACE}::int, hashtext(${studyId}::text))`,
  );
}

/** Low bits of a queue position kept by `applyAllocation`: the seeded order within a rank. */
const QUEUE_TIE_BITS = 40;

/** A system pair, by its systems' ids (system a and b of its comparisons). */
export interface PairKey {
  aId: string;
  bId: string;
}

/**
 * Steers a study's human queue (issue 15) in one statement: parks the unstarted slots of the
 * `stopped` pairs (PARKED_PRIORITY; the lease passes them over) and unparks the others; with a
 * `plan` (adaptive allocation: the pair of each next comparison, server/stats/allocation.ts),
 * rewrites the queue positions of the unstarted comparisons so the queue hands them out in the
 * plan's order: the r-th pick of a pair goes to that pair's r-th comparison, items that no human
 * verdict has covered yet first, then in their seeded order; comparisons beyond the plan follow,
 * in their seeded order. The low bits of each slot's seeded position are kept as the tie-break,
 * and sides (`shown_left`), slots and judges are untouched: blinding and the K-judge rule stay as
 * they are. Only slots of comparisons no judge has started (priority 1, open) move. Reads the
 * study's comparisons (judging's own) and imports' item ids through them.
 */
export async function applyAllocation(
  tx: Tx,
  { studyId, stopped, plan }: { studyId: string; stopped: PairKey[]; plan: PairKey[] | null },
): Promise<void> {
  const arr = (ids: string[]) => `{${ids.join(',')}}`;
  const stop = sql`(select * from unnest(${arr(stopped.map((p) => p.aId))}::uuid[], ${arr(stopped.map((p) => p.bId))}::uuid[]) as st(a_id, b_id))`;
  await tx.execute(sql`
    update assignments a
    set priority = case when st.a_id is null then 1 else ${sql.raw(String(PARKED_PRIORITY))} end
    from comparisons c left join ${stop} st on st.a_id = c.system_a_id and st.b_id = c.system_b_id
    where c.id = a.comparison_id and a.study_id = ${studyId}::uuid and a.run_id is null
      and a.status = 'open' and a.priority in (1, ${sql.raw(String(PARKED_PRIORITY))})
      and a.priority <> case when st.a_id is null then 1 else ${sql.raw(String(PARKED_PRIORITY))} end
      and not exists (select 1 from assignments o where o.comparison_id = a.comparison_id and o.run_id is null and o.status <> 'open')`);
  if (plan === null) return;
  const mask = sql.raw(String(2 ** QUEUE_TIE_BITS - 1));
  const shift = sql.raw(String(2 ** QUEUE_TIE_BITS));
  await tx.execute(sql`
    with picks as (
      select p.a_id, p.b_id, p.rank,
        row_number() over (partition by p.a_id, p.b_id order by p.rank) as r
      from unnest(${arr(plan.map((p) => p.aId))}::uuid[], ${arr(plan.map((p) => p.bId))}::uuid[])
        with ordinality as p(a_id, b_id, rank)
    ), unstarted as (
      select c.id, c.system_a_id, c.system_b_id, min(a.queue_pos & ${mask}) as tie,
        exists (select 1 from comparisons c2 join assignments d on d.comparison_id = c2.id
          where c2.item_id = c.item_id and d.run_id is null and d.status = 'done') as covered
      from comparisons c join assignments a on a.comparison_id = c.id and a.run_id is null
      where c.study_id = ${studyId}::uuid
      group by c.id
      having bool_and(a.status = 'open' and a.priority = 1)
    ), ordered as (
      select u.id, u.tie, row_number() over (
        partition by u.system_a_id, u.system_b_id order by u.covered, u.tie) as r,
        u.system_a_id, u.system_b_id
      from unstarted u
    ), ranked as (
      select o.id, coalesce(p.rank, ${plan.length + 1}::bigint) as rank
      from ordered o left join picks p on p.a_id = o.system_a_id and p.b_id = o.system_b_id and p.r = o.r
    )
    update assignments a set queue_pos = k.rank * ${shift} + (a.queue_pos & ${mask})
    from ranked k
    where a.comparison_id = k.id and a.run_id is null and a.status = 'open' and a.priority = 1
      and a.queue_pos <> k.rank * ${shift} + (a.queue_pos & ${mask})`);
}
