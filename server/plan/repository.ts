/**
 * Plan owns the analysis_plans table (docs/plan.md): the only SQL over it. A row is written once
 * and never updated: there is no update here, and a second insert for a study inserts nothing.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { analysisPlans } from '../db/schema/index.ts';

export type PlanRow = typeof analysisPlans.$inferSelect;

export async function getPlan(db: Tx, { studyId }: { studyId: string }): Promise<PlanRow | null> {
  const [row] = await db.select().from(analysisPlans).where(eq(analysisPlans.studyId, studyId));
  return row ?? null;
}

/** Inserts the study's plan; null when the study already has one (it is left as it was). */
export async function insertPlan(tx: Tx, row: Omit<PlanRow, 'lockedAt'>): Promise<PlanRow | null> {
  const [inserted] = await tx.insert(analysisPlans).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}
