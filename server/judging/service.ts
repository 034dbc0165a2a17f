/**
 * Judging's service: the one queue's API. Judges' routes lease, record verdicts and skip through
 * it; the LLM runner leases, renews, releases, completes slots and records verdicts through it
 * (inside its own transactions, passing the `Tx`); pairing creates comparisons and slots through
 * it. The SQL is in repository.ts.
 */
import type { JudgeNextResponse, Side, VerdictBody } from '../../shared/judge-api.ts';
import type { JudgeRow } from '../auth/service.ts';
import type { Db, Tx } from '../db/client.ts';
import { notifyEvent } from '../db/events.ts';
import { Errors } from '../errors.ts';
import { requireStudy, toStudy } from '../studies/service.ts';
import { scheduleAllocationRefresh } from './allocation.ts';
import {
  countDone,
  countUnfinishedSlots,
  deleteBlockedSlots,
  getVerdict,
  hasComparisons,
  hasSkipped,
  insertComparisons,
  insertPairSlots,
  insertRunSlots,
  insertSkip,
  insertVerdicts,
  leaseRun,
  leaseWithView,
  lockHumanSlot,
  lockJudgeQueue,
  lockStudyPairing,
  markSlotsDone,
  recordHumanVerdict,
  releaseLeases,
  renewLeases,
  type LeasedSlot,
  type NewVerdict,
  type PairPlan,
} from './repository.ts';

type AB = 'a' | 'b' | 'tie';

/** Maps what the judge saw (left/right) to the comparison's systems (a/b). */
export function toSystemSide(side: Side, shownLeft: 'a' | 'b'): AB {
  if (side === 'tie') return 'tie';
  const other = shownLeft === 'a' ? 'b' : 'a';
  return side === 'left' ? shownLeft : other;
}

/** Maps a comparison's system side (a/b) to what the judge saw, given which system was shown left. */
export function toShownSide(side: AB, shownLeft: 'a' | 'b'): Side {
  if (side === 'tie') return 'tie';
  return side === shownLeft ? 'left' : 'right';
}

/** Systems a and b's texts arranged as Left and Right by the side shown left: nothing names a system. */
export function blindSides<T>(shownLeft: 'a' | 'b', a: T, b: T): { left: T; right: T } {
  return shownLeft === 'a' ? { left: a, right: b } : { left: b, right: a };
}

export function imageUrl(id: string): string {
  return `/api/images/${id}`;
}

/** What a judge's page needs at start: their name, the study's instructions, their progress. */
export async function judgeMe(db: Db, judge: JudgeRow) {
  const row = await requireStudy(db, { id: judge.studyId });
  // Only what a judge needs: never the study's name, which may name the systems.
  const { guidelines, axes, requireAxes } = toStudy(row);
  return {
    judge: { name: judge.name },
    study: { guidelines, axes, requireAxes },
    progress: { done: await countDone(db, { judgeId: judge.id }), quota: judge.quota },
  };
}

/**
 * The judge's next comparison, blind: only left/right texts, the item, and opaque ids. Two
 * statements in one transaction: the judge's lock (their leases are serialised, so the quota is
 * exact, while different judges proceed in parallel), then the lease with its view
 * (`leaseWithView`: the judge's own lease resumed, or under the quota the queue's next slot of a
 * comparison the judge has not held or skipped, never the one on screen, of an item they have
 * not seen while there is one; a third statement only when that finds nothing).
 */
export async function nextForJudge(
  db: Db,
  judge: JudgeRow,
  {
    leaseSecondsOverride,
    excludeId,
  }: { leaseSecondsOverride?: number | undefined; excludeId?: string | undefined },
): Promise<JudgeNextResponse | null> {
  const lease = await db.transaction(async (tx) => {
    await lockJudgeQueue(tx, { judgeId: judge.id });
    const leased = await leaseWithView(tx, {
      studyId: judge.studyId,
      judgeId: judge.id,
      excludeId: excludeId ?? null,
      leaseSeconds: leaseSecondsOverride ?? null,
      quota: judge.quota,
    });
    if (!leased) return null;
    const { a, b } = leased;
    // Thrown inside the transaction: a comparison that cannot be shown is not leased.
    if (!a || !b) throw new Error(`the comparison of slot ${leased.id} lacks an output`);
    return { ...leased, a, b };
  });
  if (!lease) return null;
  const { a, b } = lease;
  // Texts arranged by the side shown left; nothing names a system.
  const metadata: Record<string, unknown> = lease.modality ? { modality: lease.modality } : {};
  return {
    assignment: {
      id: lease.id,
      item: { question: lease.question, images: lease.imageIds.map(imageUrl), metadata },
      ...blindSides(lease.shownLeft, a, b),
      axes: lease.axes,
      leaseExpiresAt: lease.leaseExpiresAt.toISOString(),
    },
    progress: { done: lease.done, quota: judge.quota },
  };
}

export type VerdictOutcome = { duplicate: boolean; done: number };

/**
 * Records a verdict, in one statement (`recordHumanVerdict`). The same verdict again is a no-op; a
 * different one is 409; a lease that expired and was taken by another judge is 410. The verdict is
 * stored relative to the systems.
 */
export async function submitVerdict(
  db: Db,
  judge: JudgeRow,
  assignmentId: string,
  body: VerdictBody,
): Promise<VerdictOutcome> {
  const asShown = (shownLeft: 'a' | 'b') => ({
    winner: toSystemSide(body.winner, shownLeft),
    axes: Object.fromEntries(
      Object.entries(body.axes).map(([axis, side]) => [axis, toSystemSide(side, shownLeft)]),
    ),
  });
  const strength = body.strength ?? null;
  const note = body.note ?? null;
  const outcome = await recordHumanVerdict(db, {
    assignmentId,
    judgeId: judge.id,
    studyId: judge.studyId,
    ifShownLeft: { a: asShown('a'), b: asShown('b') },
    strength,
    note,
    // The page's reading time is the judge's word; the server's lease-to-verdict time is kept
    // beside it, so a page (or a judge) claiming more than the wall time can be seen.
    readingMs: body.elapsedMs ?? null,
    event: { type: 'verdict', studyId: judge.studyId },
  });
  if (outcome.inserted) {
    // auto-stop / adaptive allocation (issue 15): steered after the response, off the cycle
    if (outcome.steer) scheduleAllocationRefresh(db, { studyId: judge.studyId });
    return { duplicate: false, done: outcome.done };
  }

  // Nothing was written: say why, in this order.
  const a = outcome.slot;
  if (!a || a.study_id !== judge.studyId) throw new Errors.NotFound('assignment');
  for (const axis of Object.keys(body.axes)) {
    if (!a.axes.includes(axis))
      throw new Errors.BadVerdict(`unknown axis '${axis}' (axes: ${a.axes.join(', ')})`);
  }
  if (a.require_axes && a.axes.some((axis) => body.axes[axis] === undefined)) {
    throw new Errors.BadVerdict(
      `this study requires a verdict on every axis (${a.axes.join(', ')})`,
    );
  }
  if (a.judge_id !== judge.id) throw new Errors.LeaseLost();
  // A verdict committed while the statement waited for the slot's lock is read again here.
  const existing = outcome.existing ?? (await getVerdict(db, { assignmentId: a.id }));
  if (!existing) throw new Error(`slot ${a.id} is ${a.status} without a verdict`);
  const { winner, axes } = asShown(a.shown_left);
  const same =
    existing.winner === winner &&
    existing.strength === strength &&
    (existing.note ?? null) === note &&
    sameAxes(existing.axes, axes);
  if (!same) throw new Errors.VerdictConflict();
  return { duplicate: true, done: outcome.done };
}

function sameAxes(x: Record<string, AB>, y: Record<string, AB>): boolean {
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => x[k] === y[k]);
}

/** A judge passes on a comparison ("skip" or "can't judge"); it never comes back to them. */
export async function skipAssignment(
  db: Db,
  judge: JudgeRow,
  assignmentId: string,
  { reason, note }: { reason: 'skip' | 'cannot_judge'; note?: string | undefined },
): Promise<{ done: number }> {
  return db.transaction(async (tx) => {
    const a = await lockHumanSlot(tx, { assignmentId });
    if (!a || a.study_id !== judge.studyId) throw new Errors.NotFound('assignment');
    if (!(await hasSkipped(tx, { comparisonId: a.comparison_id, judgeId: judge.id }))) {
      if (a.judge_id !== judge.id) throw new Errors.LeaseLost();
      if (a.status === 'done') throw new Errors.AlreadyJudged();
      await insertSkip(tx, {
        comparisonId: a.comparison_id,
        judgeId: judge.id,
        reason,
        note: note ?? null,
      });
      await releaseLeases(tx, { ids: [a.id] });
      await notifyEvent(tx, { type: 'skip', studyId: a.study_id });
    }
    return { done: await countDone(tx, { judgeId: judge.id }) };
  });
}

/*
 * The same queue for LLM runs. The runner plans, leases, renews, releases and records through
 * these; a run's slots are ordinary slots with the run's id, slot n for the run's judge n.
 */

export type { LeasedSlot, NewVerdict };

/** Creates a run's slots (idempotent) and drops those its judges can no longer take. */
export async function ensureRunSlots(
  tx: Tx,
  plan: { runId: string; studyId: string; judgeIds: string[]; seed: string },
): Promise<void> {
  await insertRunSlots(tx, plan);
  await pruneBlockedSlots(tx, plan);
}

/** Deletes open slots of a run whose judge meanwhile judged the comparison in another run. */
export async function pruneBlockedSlots(
  tx: Tx,
  { runId, judgeIds }: { runId: string; judgeIds: string[] },
): Promise<number> {
  return deleteBlockedSlots(tx, { runId, judgeIds });
}

/** Leases up to `limit` free slots of a run, each bound to its slot's judge. */
export async function leaseRunSlots(
  tx: Tx,
  {
    runId,
    judgeIds,
    limit,
    leaseSeconds,
  }: { runId: string; judgeIds: string[]; limit: number; leaseSeconds: number },
): Promise<LeasedSlot[]> {
  return leaseRun(tx, { queue: { runId, judgeIds }, limit, leaseSeconds });
}

/** Extends the leases a worker still holds. */
export async function renewSlotLeases(
  tx: Tx,
  { ids, leaseSeconds }: { ids: string[]; leaseSeconds: number },
): Promise<void> {
  await renewLeases(tx, { ids, leaseSeconds });
}

/** Returns slots to the pool (a worker stopping before their orders settled). */
export async function releaseSlots(tx: Tx, { ids }: { ids: string[] }): Promise<void> {
  await releaseLeases(tx, { ids });
}

/** No worker is alive on this run: every lease it holds is stale and goes back to the pool. */
export async function releaseRunSlots(tx: Tx, { runId }: { runId: string }): Promise<void> {
  await releaseLeases(tx, { runId });
}

export async function countUnfinishedRunSlots(
  tx: Tx,
  { runId }: { runId: string },
): Promise<number> {
  return countUnfinishedSlots(tx, { runId });
}

/** Marks slots done: each of their orders has a verdict or failed for good. */
export async function completeSlots(tx: Tx, { ids }: { ids: string[] }): Promise<void> {
  await markSlotsDone(tx, { ids });
}

/**
 * Stores LLM verdicts in the caller's transaction (which also records the run's attempts); one
 * already stored for the same slot and order is kept. Returns `assignmentId:shownLeft` of those
 * inserted.
 */
export async function recordVerdicts(tx: Tx, rows: NewVerdict[]): Promise<Set<string>> {
  return insertVerdicts(tx, rows);
}

/**
 * Pairing's plan for one system pair, made real: the comparisons of the items both systems
 * answered (the seeded sample, if asked) and their K human slots. Idempotent. A pair is compared in
 * one orientation: if the study already compares b with a (an earlier plan with another base), the
 * plan takes that orientation, and returns the one it used.
 */
export async function createPairComparisons(
  tx: Tx,
  plan: PairPlan & { k: number },
): Promise<{
  a: PairPlan['a'];
  b: PairPlan['b'];
  comparisonsCreated: number;
  comparisonsExisting: number;
  slotsCreated: number;
}> {
  await lockStudyPairing(tx, { studyId: plan.studyId });
  const reversed = await hasComparisons(tx, {
    studyId: plan.studyId,
    aId: plan.b.id,
    bId: plan.a.id,
  });
  const p = reversed ? { ...plan, a: plan.b, b: plan.a } : plan;
  const { created, existing } = await insertComparisons(tx, p);
  const slotsCreated = await insertPairSlots(tx, p);
  return {
    a: p.a,
    b: p.b,
    comparisonsCreated: created,
    comparisonsExisting: existing,
    slotsCreated,
  };
}
