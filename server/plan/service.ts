/**
 * The locked analysis plan of a study (pre-registration, docs/plan.md): stored once with the
 * SHA-256 of its canonical JSON, never changed. Locking after the first verdict is refused unless
 * forced, and a forced lock is recorded as such (with the verdicts already in).
 */
import { recordAdminAction } from '../audit/service.ts';
import { analysisPlanSchema, type AnalysisPlan, type LockedPlan } from '../../shared/plan.ts';
import type { Db, Tx } from '../db/client.ts';
import { Errors } from '../errors.ts';
import { countStudyContents } from '../readmodel/study-progress.ts';
import { listSystems, requireStudy } from '../studies/service.ts';
import { planHash } from './canonical.ts';
import * as repo from './repository.ts';

function toLockedPlan(row: repo.PlanRow): LockedPlan {
  return {
    plan: analysisPlanSchema.parse(row.plan),
    sha256: row.sha256,
    lockedAt: row.lockedAt.toISOString(),
    lockedBy: row.lockedBy,
    forced: row.forced,
    verdictsAtLock: row.verdictsAtLock,
  };
}

/** The study's locked plan, or null while none is locked. */
export async function getLockedPlan(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<LockedPlan | null> {
  const row = await repo.getPlan(db, { studyId });
  return row ? toLockedPlan(row) : null;
}

/**
 * Locks `plan` for the study. Refused, each in one line and writing nothing: a study that already
 * has a plan (Errors.PlanLocked, with the locked hash), a primary system the study does not have
 * (PlanInvalid), and a study that already has verdicts unless `force` (PlanJudgingStarted).
 */
export async function lockPlan(
  db: Db,
  {
    studyId,
    plan,
    force = false,
    lockedBy,
    actor = 'admin',
  }: {
    studyId: string;
    plan: AnalysisPlan;
    force?: boolean;
    lockedBy: string;
    /** Who locks, for the audit trail (docs/audit.md): 'admin' over HTTP, 'cli'. */
    actor?: string;
  },
): Promise<LockedPlan> {
  const parsed = analysisPlanSchema.parse(plan);
  const sha256 = planHash(parsed);
  return db.transaction(async (tx) => {
    const study = await requireStudy(tx, { id: studyId });
    const existing = await repo.getPlan(tx, { studyId });
    if (existing) throw lockedError(study.name, existing);
    const systems = new Set((await listSystems(tx, { studyId })).map((s) => s.name));
    for (const side of ['a', 'b'] as const) {
      const name = parsed.primary[side];
      if (!systems.has(name))
        throw new Errors.PlanInvalid(
          `plan field 'primary.${side}': study '${study.name}' has no system '${name}'` +
            (systems.size
              ? ` (it has ${[...systems].sort().join(', ')})`
              : ' (import its outputs first)'),
        );
    }
    const { verdicts } = await countStudyContents(tx, { studyId });
    if (verdicts > 0 && !force)
      throw new Errors.PlanJudgingStarted(
        `study '${study.name}' already has ${verdicts} verdict${verdicts === 1 ? '' : 's'}: a plan locked now is not a pre-registration; lock it with force to record it as locked after judging started`,
      );
    const row = await repo.insertPlan(tx, {
      studyId,
      plan: parsed,
      sha256,
      forced: verdicts > 0,
      verdictsAtLock: verdicts,
      lockedBy,
    });
    if (!row) {
      // another lock won the race: report the plan it locked
      const winner = await repo.getPlan(tx, { studyId });
      throw lockedError(study.name, winner);
    }
    const locked = toLockedPlan(row);
    // the whole plan, so that a report rebuilt from the audit export checks it as the study's does
    await recordAdminAction(tx, { studyId, actor, action: 'plan_lock', details: { plan: locked } });
    return locked;
  });
}

function lockedError(study: string, row: repo.PlanRow | null) {
  return new Errors.PlanLocked(
    `study '${study}' already has a locked plan${row ? ` (SHA-256 ${row.sha256}, locked ${row.lockedAt.toISOString()})` : ''}: a locked plan cannot be changed`,
  );
}
