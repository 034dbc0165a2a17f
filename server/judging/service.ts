import { and, asc, eq, sql } from 'drizzle-orm';
import type { JudgeNextResponse, Side, VerdictBody } from '../../shared/judge-api.ts';
import { queryRows, type Db, type Tx } from '../db/client.ts';
import {
  comparisons,
  itemImages,
  items,
  outputs,
  skips,
  studies,
  verdicts,
} from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import type { JudgeRow } from '../auth/service.ts';
import { notifyEvent } from './events.ts';
import { countDone, leaseNext, releaseLease } from './queue.ts';

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
    const lease = await leaseNext(tx, {
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
export async function loadComparisonView(tx: Tx, comparisonId: string, shownLeft: 'a' | 'b') {
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
  if (!c) throw new Errors.NotFound('comparison');
  const outs = await tx
    .select({ systemId: outputs.systemId, trace: outputs.trace, answer: outputs.answer })
    .from(outputs)
    .where(and(eq(outputs.itemId, c.itemId), sql`${outputs.systemId} in (${c.a}, ${c.b})`));
  const byId = new Map(outs.map((o) => [o.systemId, { trace: o.trace, answer: o.answer }]));
  const outA = byId.get(c.a);
  const outB = byId.get(c.b);
  if (!outA || !outB) throw new Error(`comparison ${comparisonId} lacks an output`);
  const images = await tx
    .select({ id: itemImages.id })
    .from(itemImages)
    .where(eq(itemImages.itemId, c.itemId))
    .orderBy(asc(itemImages.position));
  const metadata: Record<string, unknown> = c.modality ? { modality: c.modality } : {};
  return {
    item: { question: c.question, images: images.map((i) => imageUrl(i.id)), metadata },
    left: shownLeft === 'a' ? outA : outB,
    right: shownLeft === 'a' ? outB : outA,
    axes: c.axes,
  };
}

interface AssignmentRow {
  id: string;
  comparison_id: string;
  study_id: string;
  judge_id: string | null;
  status: 'open' | 'leased' | 'done';
  shown_left: 'a' | 'b';
  leased_at: Date | string | null;
  axes: string[];
  require_axes: number;
}

async function lockAssignment(tx: Tx, assignmentId: string): Promise<AssignmentRow | null> {
  const r = await queryRows<AssignmentRow>(
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
    const a = await lockAssignment(tx, assignmentId);
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
    const [existing] = await tx.select().from(verdicts).where(eq(verdicts.assignmentId, a.id));
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
    await tx.insert(verdicts).values({
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
    });
    await tx.execute(sql`
      update assignments set status = 'done', completed_at = now(), lease_expires_at = null where id = ${a.id}`);
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
    const a = await lockAssignment(tx, assignmentId);
    if (!a || a.study_id !== judge.studyId) throw new Errors.NotFound('assignment');
    const [already] = await tx
      .select({ id: skips.id })
      .from(skips)
      .where(and(eq(skips.comparisonId, a.comparison_id), eq(skips.judgeId, judge.id)));
    if (!already) {
      if (a.judge_id !== judge.id) throw new Errors.LeaseLost();
      if (a.status === 'done') throw new Errors.VerdictConflict();
      await tx
        .insert(skips)
        .values({ comparisonId: a.comparison_id, judgeId: judge.id, reason, note: note ?? null });
      await releaseLease(tx, { assignmentId: a.id });
      await notifyEvent(tx, { type: 'skip', studyId: a.study_id });
    }
    return { done: await countDone(tx, { judgeId: judge.id }) };
  });
}
