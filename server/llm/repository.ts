import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, sqlList, type Tx } from '../db/client.ts';
import { itemImages, judges, llmCache, llmRuns, type LlmRunStatus } from '../db/schema/index.ts';
import type { ComparisonContent } from './prompt.ts';
import { FATAL_STATUSES, REJECTED_STATUSES } from './providers/errors.ts';
import { escapeStoredJson, escapeStoredText, unescapeStoredJson } from './stored-text.ts';
import type { ProviderName, RunConfig } from './types.ts';

export type RunRow = typeof llmRuns.$inferSelect;

export async function getRunById(db: Tx, { id }: { id: string }): Promise<RunRow | null> {
  const [row] = await db.select().from(llmRuns).where(eq(llmRuns.id, id));
  return row ?? null;
}

export async function listRunsByStudy(db: Tx, { studyId }: { studyId: string }): Promise<RunRow[]> {
  return db
    .select()
    .from(llmRuns)
    .where(eq(llmRuns.studyId, studyId))
    .orderBy(desc(llmRuns.createdAt));
}

/** The latest run of a study with the same fingerprint (judges, template, swap): running it again resumes it. */
export async function getRunByFingerprint(
  db: Tx,
  { studyId, fingerprint }: { studyId: string; fingerprint: string },
) {
  const [row] = await db
    .select()
    .from(llmRuns)
    .where(
      and(eq(llmRuns.studyId, studyId), sql`${llmRuns.config}->>'fingerprint' = ${fingerprint}`),
    )
    .orderBy(desc(llmRuns.createdAt))
    .limit(1);
  return row ?? null;
}

export async function insertRun(
  db: Tx,
  {
    studyId,
    config,
    maxCostUsd,
  }: { studyId: string; config: RunConfig; maxCostUsd: number | null },
) {
  const [row] = await db
    .insert(llmRuns)
    .values({ studyId, config: config as unknown as Record<string, unknown>, maxCostUsd })
    .returning();
  if (!row) throw new Error('llm run insert returned nothing');
  return row;
}

/** An LLM judge is its model and verdict-affecting settings: the same ones reuse the same judge row. */
export async function upsertLlmJudge(
  db: Tx,
  { studyId, name, config }: { studyId: string; name: string; config: Record<string, unknown> },
): Promise<string> {
  const [row] = await db
    .insert(judges)
    .values({ studyId, kind: 'llm', name, config })
    .onConflictDoUpdate({ target: [judges.studyId, judges.kind, judges.name], set: { config } })
    .returning({ id: judges.id });
  if (!row) throw new Error('judge upsert returned nothing');
  return row.id;
}

/**
 * Creates the run's slots: one per comparison of the study and judge (slot = judge index), except
 * where that judge already holds a slot of the comparison from another run. Left/right is drawn per
 * slot from a hash of the run's fingerprint, the comparison and the judge. Idempotent.
 */
export async function ensureRunSlots(
  db: Tx,
  {
    runId,
    studyId,
    judgeIds,
    seed,
  }: { runId: string; studyId: string; judgeIds: string[]; seed: string },
): Promise<number> {
  let created = 0;
  for (const [slot, judgeId] of judgeIds.entries()) {
    const rows = await queryRows<{ n: number }>(
      db,
      sql`
      with planned as (
        -- Sides and order are hashes of stable names (item, systems, judge), as in human pairing:
        -- the same seed gives the same plan on any database.
        select c.id, sha256(convert_to(
          ${seed} || '|' || i.external_id || '|' || sa.name || '|' || sb.name || '|' || j.name, 'UTF8')) as h
        from comparisons c
        join items i on i.id = c.item_id
        join systems sa on sa.id = c.system_a_id
        join systems sb on sb.id = c.system_b_id
        join judges j on j.id = ${judgeId}
        where c.study_id = ${studyId}
          and not exists (select 1 from assignments o where o.comparison_id = c.id and o.judge_id = ${judgeId})
      ), inserted as (
        insert into assignments (comparison_id, study_id, slot, run_id, shown_left, queue_pos)
        select p.id, ${studyId}, ${slot}, ${runId},
          case when get_byte(p.h, 0) % 2 = 0 then 'a' else 'b' end,
          ('x' || substr(encode(p.h, 'hex'), 3, 15))::bit(60)::bigint
        from planned p
        on conflict do nothing
        returning 1
      )
      select count(*)::int as n from inserted`,
    );
    created += rows[0]?.n ?? 0;
  }
  return created;
}

const judgeMap = (judgeIds: string[]): SQL =>
  sql`(values ${sql.join(
    judgeIds.map((id, slot) => sql`(${slot}::int, ${id}::uuid)`),
    sql`, `,
  )}) as m(slot, judge_id)`;

/** Deletes open slots whose judge meanwhile judged the comparison in another run: they can never be leased. */
export async function pruneBlockedSlots(
  db: Tx,
  { runId, judgeIds }: { runId: string; judgeIds: string[] },
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
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

export interface LeasedSlot {
  id: string;
  comparisonId: string;
  slot: number;
  shownLeft: 'a' | 'b';
  judgeId: string;
  leasedAt: Date;
}

/** Leases up to `limit` free slots of a run (open, or with an expired lease), binding each to its slot's judge. */
export async function leaseRunSlots(
  db: Tx,
  {
    runId,
    judgeIds,
    limit,
    leaseSeconds,
  }: { runId: string; judgeIds: string[]; limit: number; leaseSeconds: number },
): Promise<LeasedSlot[]> {
  const rows = await queryRows<{
    id: string;
    comparison_id: string;
    slot: number;
    shown_left: 'a' | 'b';
    judge_id: string;
    leased_at: string | Date;
  }>(
    db,
    sql`
      with candidate as (
        select a.id from assignments a join ${judgeMap(judgeIds)} on m.slot = a.slot
        where a.run_id = ${runId} and a.status <> 'done'
          and (a.status = 'open' or a.lease_expires_at < now())
          and not exists (select 1 from assignments o where o.comparison_id = a.comparison_id and o.judge_id = m.judge_id and o.id <> a.id)
        order by a.priority, a.queue_pos
        limit ${limit}
        for update of a skip locked
      )
      update assignments a
      set status = 'leased', judge_id = m.judge_id, leased_at = now(),
          lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
      from candidate, ${judgeMap(judgeIds)}
      where a.id = candidate.id and m.slot = a.slot
      returning a.id, a.comparison_id, a.slot, a.shown_left, a.judge_id, a.leased_at`,
  );
  return rows.map((r) => ({
    id: r.id,
    comparisonId: r.comparison_id,
    slot: Number(r.slot),
    shownLeft: r.shown_left,
    judgeId: r.judge_id,
    leasedAt: new Date(r.leased_at),
  }));
}

export async function renewLeases(
  db: Tx,
  { runId, ids, leaseSeconds }: { runId: string; ids: string[]; leaseSeconds: number },
) {
  if (ids.length > 0) {
    await db.execute(sql`
      update assignments set lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
      where id in (${sqlList(ids)}) and status = 'leased'`);
  }
  await db.execute(sql`update llm_runs set heartbeat_at = now() where id = ${runId}`);
}

export async function releaseSlots(db: Tx, { ids }: { ids: string[] }): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update assignments set status = 'open', judge_id = null, leased_at = null, lease_expires_at = null
    where id in (${sqlList(ids)}) and status = 'leased'`);
}

/** No other worker is alive on this run: every lease it holds is stale, and so is every reservation. */
export async function reclaimRun(db: Tx, { runId }: { runId: string }): Promise<void> {
  await db.execute(sql`
    update assignments set status = 'open', judge_id = null, leased_at = null, lease_expires_at = null
    where run_id = ${runId} and status = 'leased'`);
  await db.execute(sql`update llm_runs set reserved_usd = 0 where id = ${runId}`);
}

export async function countUnfinishedSlots(db: Tx, { runId }: { runId: string }): Promise<number> {
  const r = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from assignments where run_id = ${runId} and status <> 'done'`,
  );
  return r[0]?.n ?? 0;
}

/** Recomputes total / done / failed from the rows: a slot is done once each of its orders has a verdict or failed for good. */
export async function recountRun(
  db: Tx,
  { runId, orders }: { runId: string; orders: 1 | 2 },
): Promise<void> {
  await db.execute(sql`
    with s as (
      select count(*)::int as slots,
        count(*) filter (where a.status = 'done')::int as done_slots,
        coalesce(sum((select count(*) from verdicts v where v.assignment_id = a.id)), 0)::int as verdicts,
        coalesce(sum((select count(*) from verdicts v where v.assignment_id = a.id)) filter (where a.status = 'done'), 0)::int as done_verdicts
      from assignments a where a.run_id = ${runId}
    )
    update llm_runs set total = s.slots * ${orders}, done = s.verdicts,
      failed = greatest(0, s.done_slots * ${orders} - s.done_verdicts)
    from s where llm_runs.id = ${runId}`);
}

export async function setRunStatus(
  db: Tx,
  {
    runId,
    status,
    error = null,
    finished = false,
  }: { runId: string; status: LlmRunStatus; error?: string | null; finished?: boolean },
) {
  await db.execute(sql`
    update llm_runs set status = ${status}, error = ${error === null ? null : escapeStoredText(error)},
      started_at = coalesce(started_at, now()),
      finished_at = ${finished ? sql`now()` : sql`null`}, heartbeat_at = now()
    where id = ${runId}`);
}

export async function updateRunBudget(
  db: Tx,
  { runId, maxCostUsd }: { runId: string; maxCostUsd: number | null },
) {
  await db.execute(sql`update llm_runs set max_cost_usd = ${maxCostUsd} where id = ${runId}`);
}

/**
 * Reserves `amount` of the budget for a call, atomically: spent + reserved never exceeds the cap.
 * False when the call does not fit.
 */
export async function reserveBudget(
  db: Tx,
  { runId, amount }: { runId: string; amount: number },
): Promise<boolean> {
  const r = await queryRows<{ id: string }>(
    db,
    sql`
    update llm_runs set reserved_usd = reserved_usd + ${amount}
    where id = ${runId} and (max_cost_usd is null or cost_usd + reserved_usd + ${amount} <= max_cost_usd)
    returning id`,
  );
  return r.length > 0;
}

/** Orders already settled per slot: those with a verdict, and those that failed for good. */
export async function settledOrders(
  db: Tx,
  {
    runId,
    assignmentIds,
    maxErrorAttempts,
  }: { runId: string; assignmentIds: string[]; maxErrorAttempts: number },
): Promise<{ settled: Set<string>; errors: Map<string, number> }> {
  const settled = new Set<string>();
  const errors = new Map<string, number>();
  if (assignmentIds.length === 0) return { settled, errors };
  const verdictRows = await queryRows<{ assignment_id: string; shown_left: string }>(
    db,
    sql`
    select assignment_id, shown_left from verdicts where assignment_id in (${sqlList(assignmentIds)})`,
  );
  for (const r of verdictRows) settled.add(`${r.assignment_id}:${r.shown_left}`);
  const attemptRows = await queryRows<{
    assignment_id: string;
    shown_left: string;
    outcome: string;
    rejected: boolean;
    n: number;
  }>(
    db,
    sql`
    select assignment_id, shown_left, outcome,
      coalesce(http_status in (${sqlList([...REJECTED_STATUSES])}), false) as rejected, count(*)::int as n
    from llm_attempts
    where run_id = ${runId} and assignment_id in (${sqlList(assignmentIds)}) and outcome <> 'ok'
      -- A run-stopping error (bad key, unknown model) says nothing about this order: not counted.
      and (outcome <> 'error' or http_status is null or http_status not in (${sqlList([...FATAL_STATUSES])}))
    group by assignment_id, shown_left, outcome, 4`,
  );
  for (const r of attemptRows) {
    const key = `${r.assignment_id}:${r.shown_left}`;
    if (r.outcome === 'error') {
      errors.set(key, (errors.get(key) ?? 0) + r.n);
      if (r.rejected || (errors.get(key) ?? 0) >= maxErrorAttempts) settled.add(key);
    } else settled.add(key);
  }
  return { settled, errors };
}

/** Loads comparisons as a judge model sees them (with image bytes as base64), in three queries. */
export async function loadComparisonContents(
  db: Tx,
  { comparisonIds }: { comparisonIds: string[] },
): Promise<Map<string, ComparisonContent>> {
  const out = new Map<string, ComparisonContent>();
  if (comparisonIds.length === 0) return out;
  const rows = await queryRows<{
    comparison_id: string;
    item_id: string;
    question: string;
    reference: string | null;
    modality: string | null;
    axes: string[];
    a_trace: string;
    a_answer: string;
    b_trace: string;
    b_answer: string;
  }>(
    db,
    sql`
    select c.id as comparison_id, i.id as item_id, i.question, i.reference, i.modality, s.axes,
      oa.trace as a_trace, oa.answer as a_answer, ob.trace as b_trace, ob.answer as b_answer
    from comparisons c
    join items i on i.id = c.item_id
    join studies s on s.id = c.study_id
    join outputs oa on oa.item_id = c.item_id and oa.system_id = c.system_a_id
    join outputs ob on ob.item_id = c.item_id and ob.system_id = c.system_b_id
    where c.id in (${sqlList(comparisonIds)})`,
  );
  const itemIds = [...new Set(rows.map((r) => r.item_id))];
  const images = itemIds.length
    ? await db
        .select({ itemId: itemImages.itemId, mime: itemImages.mime, bytes: itemImages.bytes })
        .from(itemImages)
        .where(inArray(itemImages.itemId, itemIds))
        .orderBy(asc(itemImages.itemId), asc(itemImages.position))
    : [];
  const byItem = new Map<string, Array<{ mime: string; base64: string }>>();
  for (const img of images) {
    const list = byItem.get(img.itemId) ?? [];
    list.push({ mime: img.mime, base64: img.bytes.toString('base64') });
    byItem.set(img.itemId, list);
  }
  for (const r of rows) {
    out.set(r.comparison_id, {
      comparisonId: r.comparison_id,
      question: r.question,
      reference: r.reference,
      modality: r.modality,
      axes: typeof r.axes === 'string' ? (JSON.parse(r.axes) as string[]) : r.axes,
      a: { trace: r.a_trace, answer: r.a_answer },
      b: { trace: r.b_trace, answer: r.b_answer },
      images: byItem.get(r.item_id) ?? [],
    });
  }
  return out;
}

/** Failed orders by the outcome of their last attempt (orders that later got a verdict are not failed). */
export async function failuresByReason(
  db: Tx,
  { runId }: { runId: string },
): Promise<Record<string, number>> {
  const rows = await queryRows<{ outcome: string; n: number }>(
    db,
    sql`
    select t.outcome, count(*)::int as n from (
      select distinct on (at.assignment_id, at.shown_left) at.assignment_id, at.shown_left, at.outcome
      from llm_attempts at where at.run_id = ${runId}
      order by at.assignment_id, at.shown_left, at.created_at desc
    ) t
    join assignments a on a.id = t.assignment_id and a.status = 'done'
    where t.outcome <> 'ok'
      and not exists (select 1 from verdicts v where v.assignment_id = t.assignment_id and v.shown_left = t.shown_left)
    group by t.outcome`,
  );
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}

/** Marks slots done (their last verdict is in). */
export async function markSlotsDone(db: Tx, { ids }: { ids: string[] }): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update assignments set status = 'done', completed_at = now(), lease_expires_at = null
    where id in (${sqlList(ids)})`);
}

/** Cached provider responses by key, in one query for a whole batch. */
export async function getCachedResponses(
  db: Tx,
  { keys }: { keys: string[] },
): Promise<Map<string, Record<string, unknown>>> {
  if (keys.length === 0) return new Map();
  const hits = await queryRows<{ key: string; response: Record<string, unknown> | string }>(
    db,
    sql`select key, response from llm_cache where key in (${sqlList(keys)})`,
  );
  return new Map(
    hits.map((h) => [
      h.key,
      unescapeStoredJson(
        typeof h.response === 'string' ? (JSON.parse(h.response) as unknown) : h.response,
      ) as Record<string, unknown>,
    ]),
  );
}

/** A paid response that gave a verdict, as the response cache keeps it. */
export interface CacheRow {
  key: string;
  provider: ProviderName;
  model: string;
  body: Record<string, unknown>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Stores responses in the cache (escaped, see stored-text.ts); a key already there is kept. */
export async function insertCachedResponses(db: Tx, rows: CacheRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(llmCache)
    .values(
      rows.map((r) => ({
        key: r.key,
        provider: r.provider,
        model: r.model,
        response: escapeStoredJson(r.body) as Record<string, unknown>,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        costUsd: r.costUsd,
      })),
    )
    .onConflictDoNothing();
}

/** The run's latest failed attempt, as one short line: its outcome and error. Null when none. */
export async function getLastFailure(db: Tx, { runId }: { runId: string }): Promise<string | null> {
  const [row] = await queryRows<{ outcome: string; error: string | null }>(
    db,
    sql`
    select outcome, error from llm_attempts where run_id = ${runId} and outcome <> 'ok'
    order by created_at desc limit 1`,
  );
  if (!row) return null;
  return (row.error ? `${row.outcome}: ${row.error}` : row.outcome).slice(0, 300);
}
