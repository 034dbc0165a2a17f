/**
 * Qualification owns qualification_settings, training_items, training_attempts, training_answers,
 * judge_standing and adjudications: the only SQL that writes them. Some queries read other
 * domains' tables in a join (judging's comparisons, assignments and verdicts, imports' items,
 * outputs and images, studies' systems and axes): each says so where it does.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import {
  adjudications,
  judgeStanding,
  qualificationSettings,
  trainingAnswers,
  trainingAttempts,
  trainingItems,
  type AdjudicationRule,
} from '../db/schema/index.ts';
import { judgeText, notHeldOut, redactionJoin } from '../integrity/queue-sql.ts';

export type SettingsRow = typeof qualificationSettings.$inferSelect;
export type StandingRow = typeof judgeStanding.$inferSelect;
export type AttemptRow = typeof trainingAttempts.$inferSelect;
export type TrainingItemRow = typeof trainingItems.$inferSelect;
type AB = 'a' | 'b' | 'tie';

export async function getSettings(tx: Tx, { studyId }: { studyId: string }) {
  const [row] = await tx
    .select()
    .from(qualificationSettings)
    .where(eq(qualificationSettings.studyId, studyId));
  return row ?? null;
}

export async function upsertSettings(
  tx: Tx,
  s: {
    studyId: string;
    required: boolean;
    passMark: number;
    maxAttempts: number;
    adjudicationRule: AdjudicationRule;
  },
): Promise<void> {
  await tx
    .insert(qualificationSettings)
    .values(s)
    .onConflictDoUpdate({
      target: qualificationSettings.studyId,
      set: {
        required: s.required,
        passMark: s.passMark,
        maxAttempts: s.maxAttempts,
        adjudicationRule: s.adjudicationRule,
        updatedAt: sql`now()`,
      },
    });
}

export async function getStanding(tx: Tx, { judgeId }: { judgeId: string }) {
  const [row] = await tx.select().from(judgeStanding).where(eq(judgeStanding.judgeId, judgeId));
  return row ?? null;
}

/** Sets some of a judge's standing columns (creating the row when needed). */
export async function setStanding(
  tx: Tx,
  {
    judgeId,
    studyId,
    ...patch
  }: { judgeId: string; studyId: string } & Partial<
    Pick<StandingRow, 'qualifiedAt' | 'heldAt' | 'releasedAt' | 'adjudicator'>
  >,
): Promise<void> {
  await tx
    .insert(judgeStanding)
    .values({ judgeId, studyId, ...patch })
    .onConflictDoUpdate({ target: judgeStanding.judgeId, set: patch });
}

/** A study's training items with the names the admin knows them by (imports' items, studies' systems). */
export async function listTrainingItems(tx: Tx, { studyId }: { studyId: string }) {
  return queryRows<{
    id: string;
    item: string;
    a: string;
    b: string;
    expected: AB;
    explanation: string;
    position: number;
  }>(
    tx,
    sql`
    select t.id, i.external_id as item, sa.name as a, sb.name as b, t.expected, t.explanation, t.position
    from training_items t
    join comparisons c on c.id = t.comparison_id
    join items i on i.id = c.item_id
    join systems sa on sa.id = c.system_a_id
    join systems sb on sb.id = c.system_b_id
    where t.study_id = ${studyId}
    order by t.position`,
  );
}

export async function countTrainingItems(tx: Tx, { studyId }: { studyId: string }) {
  const r = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from training_items t where t.study_id = ${studyId}
      and ${notHeldOut(sql`t.comparison_id`)}`,
  );
  return r[0]?.n ?? 0;
}

/** The study's comparison of an item and two systems, in either order (judging's, imports', studies' rows, read). */
export async function findComparison(
  tx: Tx,
  { studyId, item, a, b }: { studyId: string; item: string; a: string; b: string },
) {
  const rows = await queryRows<{ id: string; a: string; b: string; held: boolean }>(
    tx,
    sql`
    select c.id, sa.name as a, sb.name as b, not ${notHeldOut(sql`c.id`)} as held from comparisons c
    join items i on i.id = c.item_id
    join systems sa on sa.id = c.system_a_id
    join systems sb on sb.id = c.system_b_id
    where c.study_id = ${studyId} and i.external_id = ${item}
      and ((sa.name = ${a} and sb.name = ${b}) or (sa.name = ${b} and sb.name = ${a}))`,
  );
  return rows[0] ?? null;
}

export async function insertTrainingItem(
  tx: Tx,
  row: {
    studyId: string;
    comparisonId: string;
    expected: AB;
    explanation: string;
    shownLeft: 'a' | 'b';
  },
): Promise<string | null> {
  const out = await tx
    .insert(trainingItems)
    .values({
      ...row,
      position: sql`(select coalesce(max(position), 0) + 1 from training_items where study_id = ${row.studyId})`,
    })
    .onConflictDoNothing()
    .returning({ id: trainingItems.id });
  return out[0]?.id ?? null;
}

export async function deleteTrainingItem(
  tx: Tx,
  { studyId, id }: { studyId: string; id: string },
): Promise<boolean> {
  const out = await tx
    .delete(trainingItems)
    .where(and(eq(trainingItems.studyId, studyId), eq(trainingItems.id, id)))
    .returning({ id: trainingItems.id });
  return out.length > 0;
}

export async function listAttempts(tx: Tx, { judgeId }: { judgeId: string }) {
  return tx
    .select()
    .from(trainingAttempts)
    .where(eq(trainingAttempts.judgeId, judgeId))
    .orderBy(asc(trainingAttempts.number));
}

/** Starts the judge's next attempt; null when one was started concurrently (the caller re-reads). */
export async function insertAttempt(
  tx: Tx,
  row: { judgeId: string; studyId: string; number: number; total: number },
): Promise<AttemptRow | null> {
  const out = await tx.insert(trainingAttempts).values(row).onConflictDoNothing().returning();
  return out[0] ?? null;
}

export async function lockAttempt(tx: Tx, { id }: { id: string }): Promise<AttemptRow | null> {
  const r = await tx
    .select()
    .from(trainingAttempts)
    .where(eq(trainingAttempts.id, id))
    .for('update');
  return r[0] ?? null;
}

export async function updateAttempt(
  tx: Tx,
  {
    id,
    ...set
  }: { id: string } & Pick<AttemptRow, 'answered' | 'correct'> & {
      passed: boolean | null;
      finished: boolean;
    },
): Promise<void> {
  await tx
    .update(trainingAttempts)
    .set({
      answered: set.answered,
      correct: set.correct,
      passed: set.passed,
      finishedAt: set.finished ? sql`now()` : null,
    })
    .where(eq(trainingAttempts.id, id));
}

export async function getTrainingItem(tx: Tx, { studyId, id }: { studyId: string; id: string }) {
  const [row] = await tx
    .select()
    .from(trainingItems)
    .where(and(eq(trainingItems.studyId, studyId), eq(trainingItems.id, id)));
  return row ?? null;
}

export async function getAnswer(
  tx: Tx,
  { attemptId, trainingItemId }: { attemptId: string; trainingItemId: string },
) {
  const [row] = await tx
    .select()
    .from(trainingAnswers)
    .where(
      and(
        eq(trainingAnswers.attemptId, attemptId),
        eq(trainingAnswers.trainingItemId, trainingItemId),
      ),
    );
  return row ?? null;
}

export async function insertAnswer(
  tx: Tx,
  row: { attemptId: string; trainingItemId: string; winner: AB; correct: boolean },
): Promise<void> {
  await tx.insert(trainingAnswers).values(row);
}

/** What a judge is shown of a comparison: the item, both outputs, the image ids (imports' rows, read). */
export interface ComparisonView {
  question: string;
  image_ids: string[];
  a_trace: string;
  a_answer: string;
  b_trace: string;
  b_answer: string;
}

/** The view's columns: an output's redaction, when integrity has one, in place of its text (as the lease shows it). */
const COMPARISON_VIEW = sql`i.question,
  array(select im.id from item_images im where im.item_id = c.item_id order by im.position) as image_ids,
  ${judgeText('oa', 'ra', 'trace')} as a_trace, ${judgeText('oa', 'ra', 'answer')} as a_answer,
  ${judgeText('ob', 'rb', 'trace')} as b_trace, ${judgeText('ob', 'rb', 'answer')} as b_answer`;
const COMPARISON_JOINS = sql`join items i on i.id = c.item_id
  join outputs oa on oa.item_id = c.item_id and oa.system_id = c.system_a_id
  join outputs ob on ob.item_id = c.item_id and ob.system_id = c.system_b_id
  ${redactionJoin('oa', 'ra')}
  ${redactionJoin('ob', 'rb')}`;

/** The attempt's next unanswered training item in the set's order, with its view; null when none is left. */
export async function nextTrainingItem(
  tx: Tx,
  { studyId, attemptId }: { studyId: string; attemptId: string },
) {
  const rows = await queryRows<
    ComparisonView & { id: string; shown_left: 'a' | 'b'; position: number }
  >(
    tx,
    sql`
    select t.id, t.shown_left,
      (select count(*)::int from training_items p where p.study_id = t.study_id and p.position <= t.position) as position,
      ${COMPARISON_VIEW}
    from training_items t
    join comparisons c on c.id = t.comparison_id
    ${COMPARISON_JOINS}
    where t.study_id = ${studyId}
      and not exists (select 1 from training_answers x where x.attempt_id = ${attemptId} and x.training_item_id = t.id)
      and ${notHeldOut(sql`t.comparison_id`)}
    order by t.position
    limit 1`,
  );
  return rows[0] ?? null;
}

// ---- adjudication ----

/**
 * The split rule as SQL over a comparison's human verdicts `v` (judging's verdicts and
 * assignments, read): all K human slots done and the winners split.
 */
function splitCondition(rule: AdjudicationRule): ReturnType<typeof sql> {
  const humanWinners = sql`select v.winner from verdicts v join assignments a on a.id = v.assignment_id
    where a.comparison_id = c.id and a.run_id is null`;
  const complete = sql`not exists (select 1 from assignments a where a.comparison_id = c.id and a.run_id is null and a.status <> 'done')
    and exists (select 1 from assignments a where a.comparison_id = c.id and a.run_id is null)`;
  if (rule === 'any_disagreement')
    return sql`${complete} and (select count(distinct w.winner) from (${humanWinners}) w) > 1`;
  if (rule === 'no_majority')
    return sql`${complete} and (select count(*) from (${humanWinners}) w) > 1
      and (select max(n) from (select count(*) as n from (${humanWinners}) w group by w.winner) m) * 2
        <= (select count(*) from (${humanWinners}) w)`;
  return sql`false`;
}

/** Comparisons of a study that split under the rule (judging's rows, read). */
export async function splitComparisons(
  tx: Tx,
  { studyId, rule }: { studyId: string; rule: AdjudicationRule },
): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select c.id from comparisons c where c.study_id = ${studyId} and ${splitCondition(rule)} order by c.id`,
  );
  return rows.map((r) => r.id);
}

/** The adjudication an adjudicator holds (resumed after a reload), with its lease extended. */
export async function ownAdjudication(tx: Tx, { judgeId }: { judgeId: string }) {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`update adjudications set lease_expires_at = now() + interval '10 minutes'
      where id = (select d.id from adjudications d where d.judge_id = ${judgeId} and d.status = 'leased'
        and ${notHeldOut(sql`d.comparison_id`)} order by d.leased_at limit 1)
      returning id`,
  );
  return rows[0]?.id ?? null;
}

/**
 * Leases the next split comparison for an adjudicator: one with no adjudication, or whose
 * adjudication lease expired, that the adjudicator did not judge. Locks its comparison row
 * (judging's, `for update skip locked`, read only) so two adjudicators never take the same one.
 */
export async function leaseAdjudication(
  tx: Tx,
  { studyId, judgeId, rule }: { studyId: string; judgeId: string; rule: AdjudicationRule },
): Promise<string | null> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`
    with candidate as (
      select c.id from comparisons c
      where c.study_id = ${studyId} and ${splitCondition(rule)}
        and not exists (select 1 from verdicts v where v.comparison_id = c.id and v.judge_id = ${judgeId})
        and not exists (select 1 from adjudications d where d.comparison_id = c.id
          and (d.status = 'done' or d.lease_expires_at > now()))
        and ${notHeldOut(sql`c.id`)}
      order by c.id
      limit 1
      for update of c skip locked
    )
    insert into adjudications (comparison_id, study_id, judge_id, shown_left, lease_expires_at)
    select id, ${studyId}, ${judgeId}, case when random() < 0.5 then 'a' else 'b' end,
      now() + interval '10 minutes'
    from candidate
    on conflict (comparison_id) do update set judge_id = excluded.judge_id,
      shown_left = excluded.shown_left, leased_at = now(), lease_expires_at = excluded.lease_expires_at
      where adjudications.status = 'leased'
    returning id`,
  );
  return rows[0]?.id ?? null;
}

export async function countWaitingAdjudications(
  tx: Tx,
  { studyId, judgeId, rule }: { studyId: string; judgeId: string; rule: AdjudicationRule },
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from comparisons c
      where c.study_id = ${studyId} and ${splitCondition(rule)}
        and not exists (select 1 from verdicts v where v.comparison_id = c.id and v.judge_id = ${judgeId})
        and not exists (select 1 from adjudications d where d.comparison_id = c.id and d.status = 'done')
        and ${notHeldOut(sql`c.id`)}`,
  );
  return rows[0]?.n ?? 0;
}

/** An adjudication with its comparison's view and axes (imports', studies' rows, read). */
export async function adjudicationView(tx: Tx, { id }: { id: string }) {
  const rows = await queryRows<
    ComparisonView & {
      id: string;
      comparison_id: string;
      study_id: string;
      judge_id: string;
      status: 'leased' | 'done';
      shown_left: 'a' | 'b';
      winner: AB | null;
      reason: string | null;
      axes: string[];
    }
  >(
    tx,
    sql`
    select d.id, d.comparison_id, d.study_id, d.judge_id, d.status, d.shown_left, d.winner, d.reason,
      st.axes, ${COMPARISON_VIEW}
    from adjudications d
    join comparisons c on c.id = d.comparison_id
    join studies st on st.id = c.study_id
    ${COMPARISON_JOINS}
    where d.id = ${id}`,
  );
  return rows[0] ?? null;
}

/** The human verdicts of a comparison, without their judges (judging's rows, read), in a stable order. */
export async function earlierVerdicts(tx: Tx, { comparisonId }: { comparisonId: string }) {
  return queryRows<{ winner: AB; axes: Record<string, AB>; note: string | null }>(
    tx,
    sql`select v.winner, v.axes, v.note from verdicts v join assignments a on a.id = v.assignment_id
      where v.comparison_id = ${comparisonId} and a.run_id is null
      order by md5(v.id::text)`,
  );
}

export async function lockAdjudication(tx: Tx, { id }: { id: string }) {
  const [row] = await tx.select().from(adjudications).where(eq(adjudications.id, id)).for('update');
  return row ?? null;
}

export async function completeAdjudication(
  tx: Tx,
  { id, winner, reason }: { id: string; winner: AB; reason: string },
): Promise<void> {
  await tx
    .update(adjudications)
    .set({ status: 'done', winner, reason, completedAt: sql`now()`, leaseExpiresAt: null })
    .where(eq(adjudications.id, id));
}

/** A study's finished adjudications, by comparison. */
export async function doneAdjudications(tx: Tx, { studyId }: { studyId: string }) {
  return tx
    .select({
      comparisonId: adjudications.comparisonId,
      judgeId: adjudications.judgeId,
      winner: adjudications.winner,
      reason: adjudications.reason,
    })
    .from(adjudications)
    .where(and(eq(adjudications.studyId, studyId), eq(adjudications.status, 'done')));
}

/** Whether a judge belongs to the study (auth's judges, read). */
export async function judgeInStudy(
  tx: Tx,
  { studyId, judgeId }: { studyId: string; judgeId: string },
): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select id from judges where id = ${judgeId} and study_id = ${studyId}`,
  );
  return rows.length > 0;
}
