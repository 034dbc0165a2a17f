/** Pairing owns the pairings table (the record of each plan): the only SQL over it. */
import { desc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { pairings } from '../db/schema/index.ts';

export type PairingRow = typeof pairings.$inferSelect;

/** Records a plan before its comparisons are made (they point at it); counts come after. */
export async function insertPairing(
  tx: Tx,
  { studyId, seed, options }: { studyId: string; seed: string; options: Record<string, unknown> },
): Promise<PairingRow> {
  const [row] = await tx
    .insert(pairings)
    .values({ studyId, seed, options, comparisonsCreated: 0, assignmentsCreated: 0 })
    .returning();
  if (!row) throw new Error('pairing insert returned nothing');
  return row;
}

export async function setPairingCounts(
  tx: Tx,
  {
    pairingId,
    comparisonsCreated,
    assignmentsCreated,
  }: { pairingId: string; comparisonsCreated: number; assignmentsCreated: number },
): Promise<void> {
  await tx
    .update(pairings)
    .set({ comparisonsCreated, assignmentsCreated })
    .where(eq(pairings.id, pairingId));
}

/** The seed of the study's latest plan, or null before its first. */
export async function latestPairingSeed(tx: Tx, studyId: string): Promise<string | null> {
  const [row] = await tx
    .select({ seed: pairings.seed })
    .from(pairings)
    .where(eq(pairings.studyId, studyId))
    .orderBy(desc(pairings.createdAt))
    .limit(1);
  return row?.seed ?? null;
}
