/** Studies own the studies and systems tables: the only SQL over them. */
import { and, eq } from 'drizzle-orm';
import type { CreateStudyBody } from '../../shared/admin-api.ts';
import type { Tx } from '../db/client.ts';
import { studies, systems } from '../db/schema/index.ts';

export type StudyRow = typeof studies.$inferSelect;

export async function getStudyByName(db: Tx, { name }: { name: string }): Promise<StudyRow | null> {
  const [row] = await db.select().from(studies).where(eq(studies.name, name));
  return row ?? null;
}

export async function getStudyById(db: Tx, { id }: { id: string }): Promise<StudyRow | null> {
  const [row] = await db.select().from(studies).where(eq(studies.id, id));
  return row ?? null;
}

export async function listStudies(db: Tx): Promise<StudyRow[]> {
  return db.select().from(studies).orderBy(studies.createdAt);
}

/** Inserts the study; returns null when the name is taken. */
export async function insertStudy(db: Tx, body: CreateStudyBody): Promise<StudyRow | null> {
  const [row] = await db
    .insert(studies)
    .values({ ...body, requireAxes: body.requireAxes ? 1 : 0 })
    .onConflictDoNothing({ target: studies.name })
    .returning();
  return row ?? null;
}

/** The study with this name, created with default settings if it does not exist. */
export async function getOrCreateStudy(db: Tx, { name }: { name: string }): Promise<StudyRow> {
  await db.insert(studies).values({ name }).onConflictDoNothing({ target: studies.name });
  const row = await getStudyByName(db, { name });
  if (!row) throw new Error(`study '${name}' vanished`);
  return row;
}

export type SystemRow = typeof systems.$inferSelect;

export async function listSystems(db: Tx, { studyId }: { studyId: string }): Promise<SystemRow[]> {
  return db.select().from(systems).where(eq(systems.studyId, studyId)).orderBy(systems.name);
}

export async function getOrCreateSystem(
  db: Tx,
  { studyId, name }: { studyId: string; name: string },
): Promise<SystemRow> {
  await db.insert(systems).values({ studyId, name }).onConflictDoNothing();
  const [row] = await db
    .select()
    .from(systems)
    .where(and(eq(systems.studyId, studyId), eq(systems.name, name)));
  if (!row) throw new Error(`system '${name}' vanished`);
  return row;
}

/** The study's allocation settings (issue 15); null when there is no such study. */
export async function updateAllocation(
  db: Tx,
  {
    id,
    targetHalfWidth,
    autoStop,
    adaptive,
  }: { id: string; targetHalfWidth: number | null; autoStop: boolean; adaptive: boolean },
): Promise<StudyRow | null> {
  const [row] = await db
    .update(studies)
    .set({ targetHalfWidth, autoStop, adaptive })
    .where(eq(studies.id, id))
    .returning();
  return row ?? null;
}

/** The number of judges per comparison the study's latest plan asked for. */
export async function updateJudgesPerComparison(
  db: Tx,
  { id, judgesPerComparison }: { id: string; judgesPerComparison: number },
): Promise<void> {
  await db.update(studies).set({ judgesPerComparison }).where(eq(studies.id, id));
}
