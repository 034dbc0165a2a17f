/**
 * LLM owns llm_runs, llm_cache and llm_attempts: the only SQL over them. A run's slots and verdicts
 * are judging's (server/judging/service.ts); the few reads of them here say so.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, sqlList, type Tx } from '../db/client.ts';
import {
  itemImages,
  llmAttempts,
  llmCache,
  llmRuns,
  type LlmRunStatus,
} from '../db/schema/index.ts';
import { judgeText, redactionJoin } from '../integrity/queue-sql.ts';
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

/** This worker is alive: other workers of the run see it by this column (liveness.ts). */
export async function touchHeartbeat(db: Tx, { runId }: { runId: string }): Promise<void> {
  await db.execute(sql`update llm_runs set heartbeat_at = now() where id = ${runId}`);
}

/** No worker is alive on this run: every budget reservation is stale. */
export async function clearReservations(db: Tx, { runId }: { runId: string }): Promise<void> {
  await db.execute(sql`update llm_runs set reserved_usd = 0 where id = ${runId}`);
}

/**
 * Recomputes total / done / failed from the rows: a slot is done once each of its orders has a
 * verdict or failed for good. Reads judging's assignments and verdicts of the run.
 */
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

/**
 * Orders already settled per slot: those with a verdict (a read of judging's verdicts), and those
 * that failed for good.
 */
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

/**
 * Loads comparisons as a judge model sees them (with image bytes as base64), in three queries: a
 * read of judging's comparisons with imports' items, outputs and images and studies' axes.
 */
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
      ${judgeText('oa', 'ra', 'trace')} as a_trace, ${judgeText('oa', 'ra', 'answer')} as a_answer,
      ${judgeText('ob', 'rb', 'trace')} as b_trace, ${judgeText('ob', 'rb', 'answer')} as b_answer
    from comparisons c
    join items i on i.id = c.item_id
    join studies s on s.id = c.study_id
    join outputs oa on oa.item_id = c.item_id and oa.system_id = c.system_a_id
    join outputs ob on ob.item_id = c.item_id and ob.system_id = c.system_b_id
    ${redactionJoin('oa', 'ra')}
    ${redactionJoin('ob', 'rb')}
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

/**
 * Failed orders by the outcome of their last attempt (orders that later got a verdict are not
 * failed): a read of judging's assignments and verdicts beside the attempts.
 */
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

export type NewAttempt = typeof llmAttempts.$inferInsert;

export async function insertAttempts(db: Tx, rows: NewAttempt[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(llmAttempts).values(rows);
}

/** What a batch of stored results adds to a run's counters. */
export interface RunCounts {
  done: number;
  failed: number;
  calls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Reservations settled by the batch. */
  settledUsd: number;
}

export async function addRunCounts(
  db: Tx,
  { runId, counts: c }: { runId: string; counts: RunCounts },
): Promise<void> {
  await db.execute(sql`
    update llm_runs set
      done = done + ${c.done},
      failed = failed + ${c.failed},
      calls = calls + ${c.calls},
      cached_calls = cached_calls + ${c.cachedCalls},
      input_tokens = input_tokens + ${c.inputTokens},
      output_tokens = output_tokens + ${c.outputTokens},
      cost_usd = cost_usd + ${c.costUsd},
      reserved_usd = greatest(0, reserved_usd - ${c.settledUsd})
    where id = ${runId}`);
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
