import type { CreateStudyBody, Study, StudyListEntry } from '../../shared/admin-api.ts';
import type { Tx } from '../db/client.ts';
import { Errors } from '../errors.ts';
import { countStudyContents, getProgressByStudy } from '../readmodel/study-progress.ts';
import * as repo from './repository.ts';

/** A study row as the API shows it. */
export function toStudy(row: repo.StudyRow): Study {
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

export async function getStudyById(db: Tx, { id }: { id: string }): Promise<repo.StudyRow | null> {
  return repo.getStudyById(db, { id });
}

export async function getStudyByName(
  db: Tx,
  { name }: { name: string },
): Promise<repo.StudyRow | null> {
  return repo.getStudyByName(db, { name });
}

/** The study, or the API's 404 when there is none with this id. */
export async function requireStudy(db: Tx, { id }: { id: string }): Promise<repo.StudyRow> {
  const row = await repo.getStudyById(db, { id });
  if (!row) throw new Errors.NotFound('study');
  return row;
}

export async function listStudies(db: Tx): Promise<repo.StudyRow[]> {
  return repo.listStudies(db);
}

/** Every study with its judging progress per judge kind (0 of 0 before pairing). */
export async function listStudiesWithProgress(
  db: Tx,
  { visible = 'all' }: { visible?: Set<string> | 'all' } = {},
): Promise<StudyListEntry[]> {
  const [rows, progress] = await Promise.all([repo.listStudies(db), getProgressByStudy(db)]);
  const none = { judged: 0, planned: 0 };
  const shown = visible === 'all' ? rows : rows.filter((row) => visible.has(row.id));
  return shown.map((row) => ({
    ...toStudy(row),
    progress: progress.get(row.id) ?? { human: none, llm: none },
  }));
}

/** Creates the study; a taken name is the API's 409. */
export async function createStudy(db: Tx, body: CreateStudyBody): Promise<repo.StudyRow> {
  const row = await repo.insertStudy(db, body);
  if (!row) throw new Errors.StudyExists(body.name);
  return row;
}

/** The study with this name, created with default settings if it does not exist. */
export async function getOrCreateStudy(db: Tx, { name }: { name: string }): Promise<repo.StudyRow> {
  return repo.getOrCreateStudy(db, { name });
}

/** The study page's header: settings, counts and systems. */
export async function getStudySummary(db: Tx, { id }: { id: string }) {
  const row = await requireStudy(db, { id });
  const [counts, systems] = await Promise.all([
    countStudyContents(db, { studyId: row.id }),
    repo.listSystems(db, { studyId: row.id }),
  ]);
  return { ...toStudy(row), counts, systems: systems.map((s) => ({ id: s.id, name: s.name })) };
}

export async function listSystems(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<repo.SystemRow[]> {
  return repo.listSystems(db, { studyId });
}

export async function getOrCreateSystem(
  db: Tx,
  { studyId, name }: { studyId: string; name: string },
): Promise<repo.SystemRow> {
  return repo.getOrCreateSystem(db, { studyId, name });
}

/** Sets the study's allocation settings (issue 15); the API's 404 when there is no such study. */
export async function setAllocationSettings(
  db: Tx,
  settings: { id: string; targetHalfWidth: number | null; autoStop: boolean; adaptive: boolean },
): Promise<repo.StudyRow> {
  const row = await repo.updateAllocation(db, settings);
  if (!row) throw new Errors.NotFound('study');
  return row;
}

/**
 * Records the judges per comparison a plan created slots for as the study's K, which the admin
 * API shows and a locked analysis plan takes by default (pairing with `--judges-per-comparison 3`
 * left the study at 1).
 */
export async function setJudgesPerComparison(
  db: Tx,
  settings: { id: string; judgesPerComparison: number },
): Promise<void> {
  await repo.updateJudgesPerComparison(db, settings);
}
