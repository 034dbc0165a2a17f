/**
 * Read model (server/readmodel/): read-only counts over several owners' tables for the study
 * pages. Studies own studies and systems; imports own items; judging owns comparisons,
 * assignments and verdicts; auth owns judges. Nothing here writes.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';

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

/** How many of each thing a study holds (human assignments only: LLM slots belong to runs). */
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
