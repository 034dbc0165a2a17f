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
import {
  countDone,
  countHeld,
  countUnfinishedSlots,
  deleteBlockedSlots,
  getComparisonMaterial,
  getVerdict,
  hasSkipped,
  insertComparisons,
  insertPairSlots,
  insertRunSlots,
  insertSkip,
  insertVerdicts,
  leaseSlots,
  lockHumanSlot,
  lockJudgeQueue,
  markSlotsDone,
  releaseLeases,
  renewLeases,
  renewOwnLease,
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

/** The judge's next comparison, blind: only left/right texts, the item, and opaque ids. */
export async function nextForJudge(
  db: Db,
  judge: JudgeRow,
  {
    leaseSecondsOverride,
    excludeId,
  }: { leaseSecondsOverride?: number | undefined; excludeId?: string | undefined },
): Promise<JudgeNextResponse | null> {
  return db.transaction(async (tx) => {
    // A lease changes nothing that counts as done: count once, for the quota and the progress.
    const done = await countDone(tx, { judgeId: judge.id });
    const lease = await leaseForJudge(tx, {
      judgeId: judge.id,
      studyId: judge.studyId,
      leaseSeconds: leaseSecondsOverride ?? null,
      quota: judge.quota,
      done,
      excludeId: excludeId ?? null,
    });
    if (!lease) return null;
    const view = await loadComparisonView(tx, lease.comparisonId, lease.shownLeft);
    return {
      assignment: {
        id: lease.id,
        item: view.item,
        left: view.left,
        right: view.right,
        axes: view.axes,
        leaseExpiresAt: lease.leaseExpiresAt.toISOString(),
      },
      progress: { done, quota: judge.quota },
    };
  });
}

/** Loads a comparison as a judge sees it: texts arranged by `shownLeft`, nothing naming a system. */
async function loadComparisonView(tx: Tx, comparisonId: string, shownLeft: 'a' | 'b') {
  const c = await getComparisonMaterial(tx, { comparisonId });
  if (!c) throw new Errors.NotFound('comparison');
  const byId = new Map(c.outputs.map((o) => [o.systemId, { trace: o.trace, answer: o.answer }]));
  const outA = byId.get(c.a);
  const outB = byId.get(c.b);
  if (!outA || !outB) throw new Error(`comparison ${comparisonId} lacks an output`);
  const metadata: Record<string, unknown> = c.modality ? { modality: c.modality } : {};
  return {
    item: { question: c.question, images: c.imageIds.map(imageUrl), metadata },
    left: shownLeft === 'a' ? outA : outB,
    right: shownLeft === 'a' ? outB : outA,
    axes: c.axes,
  };
}

/**
 * Leases one slot to a human judge, inside the caller's transaction. In order:
 * 1. the judge's own lease (a reload or a lost response resumes the same comparison), extended;
 * 2. otherwise, if under quota, the study queue's next slot for this judge (`leaseSlots`).
 * The judge's leases are serialised first, so the quota is exact, while different judges proceed
 * in parallel.
 */
async function leaseForJudge(
  tx: Tx,
  {
    judgeId,
    studyId,
    leaseSeconds,
    quota,
    done,
    excludeId,
  }: {
    judgeId: string;
    studyId: string;
    /** Null: the study's lease length. */
    leaseSeconds: number | null;
    quota: number | null;
    /** The judge's verdict count (checked against the quota). */
    done: number;
    /** Prefetch: the comparison on the judge's screen, which this call must not return. */
    excludeId: string | null;
  },
): Promise<LeasedSlot | null> {
  await lockJudgeQueue(tx, { judgeId });
  const own = await renewOwnLease(tx, { studyId, judgeId, excludeId, leaseSeconds });
  if (own) return own;
  if (quota !== null) {
    // A prefetch counts the comparison still on screen against the quota.
    const held = excludeId ? await countHeld(tx, { judgeId, assignmentId: excludeId }) : 0;
    if (done + held >= quota) return null;
  }
  const [leased] = await leaseSlots(tx, {
    queue: { studyId, judgeId, excludeId },
    limit: 1,
    leaseSeconds,
  });
  return leased ?? null;
}

export type VerdictOutcome = { duplicate: boolean; done: number };

/**
 * Records a verdict. The same verdict again is a no-op; a different one is 409; a lease that
 * expired and was taken by another judge is 410. The verdict is stored relative to the systems.
 */
export async function submitVerdict(
  db: Db,
  judge: JudgeRow,
  assignmentId: string,
  body: VerdictBody,
): Promise<VerdictOutcome> {
  return db.transaction(async (tx) => {
    const a = await lockHumanSlot(tx, { assignmentId });
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
    const winner = toSystemSide(body.winner, a.shown_left);
    const axes = Object.fromEntries(
      Object.entries(body.axes).map(([axis, side]) => [axis, toSystemSide(side, a.shown_left)]),
    );
    const strength = body.strength ?? null;
    const note = body.note ?? null;

    if (a.judge_id !== judge.id) throw new Errors.LeaseLost();
    const existing = await getVerdict(tx, { assignmentId: a.id });
    if (existing) {
      const same =
        existing.winner === winner &&
        existing.strength === strength &&
        (existing.note ?? null) === note &&
        sameAxes(existing.axes, axes);
      if (!same) throw new Errors.VerdictConflict();
      return { duplicate: true, done: await countDone(tx, { judgeId: judge.id }) };
    }
    const leasedAt = a.leased_at ? new Date(a.leased_at) : null;
    // The page's reading time is the judge's word; the server's lease-to-verdict time is kept
    // beside it, so a page (or a judge) claiming more than the wall time can be seen.
    const wallMs = leasedAt ? Math.max(0, Date.now() - leasedAt.getTime()) : null;
    await insertVerdicts(tx, [
      {
        assignmentId: a.id,
        comparisonId: a.comparison_id,
        judgeId: judge.id,
        winner,
        axes,
        strength,
        note,
        shownLeft: a.shown_left,
        leasedAt,
        durationMs: body.elapsedMs ?? wallMs,
        readingMs: body.elapsedMs ?? null,
        wallMs,
      },
    ]);
    await markSlotsDone(tx, { ids: [a.id] });
    await notifyEvent(tx, { type: 'verdict', studyId: a.study_id });
    return { duplicate: false, done: await countDone(tx, { judgeId: judge.id }) };
  });
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
      if (a.status === 'done') throw new Errors.VerdictConflict();
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
  return leaseSlots(tx, { queue: { runId, judgeIds }, limit, leaseSeconds });
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
 * answered (the seeded sample, if asked) and their K human slots. Idempotent.
 */
export async function createPairComparisons(
  tx: Tx,
  plan: PairPlan & { k: number },
): Promise<{ comparisonsCreated: number; comparisonsExisting: number; slotsCreated: number }> {
  const { created, existing } = await insertComparisons(tx, plan);
  const slotsCreated = await insertPairSlots(tx, plan);
  return { comparisonsCreated: created, comparisonsExisting: existing, slotsCreated };
}
