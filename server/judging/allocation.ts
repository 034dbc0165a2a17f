/**
 * Steering the human queue (issue 15): auto-stop and adaptive allocation. After a verdict lands in
 * a study that steers its queue (`recordHumanVerdict` says so, at no extra round trip), and when
 * the admin changes the settings, `refreshAllocation` reads every pair's human verdicts (the read
 * model's `getPairStates`: the anytime-valid sequence over items, the totals), and in one
 * transaction parks the unstarted comparisons of the pairs with enough verdicts (auto-stop: the
 * sequence decided a winner or is narrower than the target) and, with adaptive allocation, orders
 * the rest by `planAllocation` (server/stats/allocation.ts), the function the simulation checks.
 * The lease itself only reads the result (a parked slot is passed over), so the judging cycle's
 * cost is unchanged. Refreshes of one study are coalesced in the process (one running, one
 * queued) and serialised across processes by an advisory lock.
 */
import type { Db } from '../db/client.ts';
import { getPairStates } from '../readmodel/pair-sequences.ts';
import { planAllocation, type PairTotal } from '../stats/allocation.ts';
import { getStudyById } from '../studies/service.ts';
import { applyAllocation, lockStudyAllocation, type PairKey } from './repository.ts';

/** Most comparisons planned at once (the plan costs O(pairs²) a pick); the rest follow in seeded order. */
const PLAN_BUDGET = 20_000_000;
const MAX_PICKS = 5_000;

/** Reads the study's verdicts and settings and steers its queue accordingly. */
export async function refreshAllocation(db: Db, { studyId }: { studyId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await lockStudyAllocation(tx, { studyId });
    const study = await getStudyById(tx, { id: studyId });
    if (!study) return;
    const states = await getPairStates(tx, { studyId, targetHalfWidth: study.targetHalfWidth });
    const stopped: PairKey[] = study.autoStop ? states.filter((p) => p.enough) : [];
    let plan: PairKey[] | null = null;
    if (study.adaptive && states.length > 0) {
      const index = new Map<string, number>();
      const at = (id: string) => {
        if (!index.has(id)) index.set(id, index.size);
        return index.get(id)!;
      };
      const totals: PairTotal[] = states.map((p) => ({
        i: at(p.aId),
        j: at(p.bId),
        score: p.score,
        n: p.n,
      }));
      const stoppedSet = new Set(stopped.map((p) => `${p.aId}|${p.bId}`));
      const available = states.map((p) => (stoppedSet.has(`${p.aId}|${p.bId}`) ? 0 : p.unstarted));
      const total = available.reduce((s, n) => s + n, 0);
      const picks = Math.min(
        total,
        MAX_PICKS,
        Math.max(states.length, Math.floor(PLAN_BUDGET / (states.length * states.length))),
      );
      plan = planAllocation(index.size, totals, { picks, available }).map((k) => states[k]!);
    }
    await applyAllocation(tx, { studyId, stopped, plan });
  });
}

const pending = new Map<string, { running: Promise<void>; again: boolean }>();

/**
 * Refreshes the study's allocation in the background, coalesced: while one refresh runs, further
 * requests make one more run after it. A failure is reported as a process warning; the queue keeps
 * its last order and the next verdict retries.
 */
export function scheduleAllocationRefresh(db: Db, { studyId }: { studyId: string }): void {
  const current = pending.get(studyId);
  if (current) {
    current.again = true;
    return;
  }
  const entry = { running: Promise.resolve(), again: false };
  entry.running = (async () => {
    do {
      entry.again = false;
      try {
        await refreshAllocation(db, { studyId });
      } catch (err) {
        process.emitWarning(
          `allocation refresh of study ${studyId} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    } while (entry.again);
    pending.delete(studyId);
  })();
  pending.set(studyId, entry);
}

/** Resolves once no refresh of the study is running or queued (for tests and shutdown). */
export async function allocationSettled({ studyId }: { studyId: string }): Promise<void> {
  for (let e = pending.get(studyId); e; e = pending.get(studyId)) await e.running;
}
