import { and, eq, sql } from 'drizzle-orm';
import type { CreateStudyBody, Study } from '../../shared/admin-api.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { studies, systems } from '../db/schema/index.ts';

type StudyRow = typeof studies.$inferSelect;

export function toStudy(row: StudyRow): Study {
  return {
    id: row.id,
    name: row.name,
    axes: row.axes,
    guidelines: row.guidelines,
    judgesPerComparison: row.judgesPerComparison,
    leaseSeconds: row.leaseSeconds,
    requireAxes: row.requireAxes !== 0,
    createdAt: row.createdAt.toISOString(),
  };
}

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

export interface StudyProgress {
  human: { judged: number; planned: number };
  llm: { judged: number; planned: number };
}

/**
 * Each study's judging slots, done and planned, per judge kind: human slots are the queue's
 * (no run), LLM slots belong to a run. A study without assignments is absent (0 of 0).
 */
export async function getProgressByStudy(db: Tx): Promise<Map<string, StudyProgress>> {
  const rows = await queryRows<{ study_id: string; llm: boolean; judged: number; planned: number }>(
    db,
    sql`select study_id, run_id is not null as llm,
          (count(*) filter (where status = 'done'))::int as judged, count(*)::int as planned
        from assignments group by study_id, run_id is not null`,
  );
  const out = new Map<string, StudyProgress>();
  for (const r of rows) {
    const p = out.get(r.study_id) ?? {
      human: { judged: 0, planned: 0 },
      llm: { judged: 0, planned: 0 },
    };
    p[r.llm ? 'llm' : 'human'] = { judged: r.judged, planned: r.planned };
    out.set(r.study_id, p);
  }
  return out;
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

export async function listSystems(db: Tx, { studyId }: { studyId: string }) {
  return db.select().from(systems).where(eq(systems.studyId, studyId)).orderBy(systems.name);
}

export async function getOrCreateSystem(
  db: Tx,
  { studyId, name }: { studyId: string; name: string },
) {
  await db.insert(systems).values({ studyId, name }).onConflictDoNothing();
  const [row] = await db
    .select()
    .from(systems)
    .where(and(eq(systems.studyId, studyId), eq(systems.name, name)));
  if (!row) throw new Error(`system '${name}' vanished`);
  return row;
}

export async function countStudyContents(db: Tx, { studyId }: { studyId: string }) {
  const result = await queryRows<{
    systems: number;
    items: number;
    comparisons: number;
    assignments: number;
    verdicts: number;
    judges: number;
  }>(
    db,
    sql`
    select
      (select count(*)::int from systems where study_id = ${studyId}) as systems,
      (select count(*)::int from items where study_id = ${studyId}) as items,
      (select count(*)::int from comparisons where study_id = ${studyId}) as comparisons,
      (select count(*)::int from assignments where study_id = ${studyId} and run_id is null) as assignments,
      (select count(*)::int from verdicts v join comparisons c on c.id = v.comparison_id
         where c.study_id = ${studyId}) as verdicts,
      (select count(*)::int from judges where study_id = ${studyId}) as judges`,
  );
  const row = result[0];
  if (!row) throw new Error('count query returned nothing');
  return row;
}
