/**
 * Read model (server/readmodel/): each judge's reliability estimated from the study's verdicts by
 * the Dawid–Skene model (server/stats/dawid-skene.ts, the model of the report's
 * `sensitivity.competence`), for the judge-quality panel. Reads judging's verdicts and
 * comparisons; nothing here writes.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { dawidSkene } from '../stats/dawid-skene.ts';

/** A rate that may be uncomputable: null with the reason. */
export type Reliability = { value: number; reason?: undefined } | { value: null; reason: string };

const LABEL = { a: 0, tie: 1, b: 2 } as const;

/**
 * Per judge id: the estimated probability of giving a comparison's true overall verdict, from
 * every verdict of the study (one comparison is one unit, in its own a/b orientation). Null with
 * a reason for a judge who shares no comparison with another judge, and for every judge while no
 * comparison has two judges.
 */
export async function getJudgeReliability(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<Map<string, Reliability>> {
  const rows = await queryRows<{
    comparison_id: string;
    judge_id: string;
    winner: 'a' | 'b' | 'tie';
  }>(
    db,
    sql`select v.comparison_id, v.judge_id, v.winner
      from verdicts v join comparisons c on c.id = v.comparison_id
      where c.study_id = ${studyId}`,
  );
  return reliabilityOf(rows);
}

/** The model fitted on verdict rows (exported for tests). */
export function reliabilityOf(
  rows: ReadonlyArray<{ comparison_id: string; judge_id: string; winner: 'a' | 'b' | 'tie' }>,
): Map<string, Reliability> {
  const units = new Map<string, number>();
  const judges = new Map<string, number>();
  const unit = new Int32Array(rows.length);
  const judge = new Int32Array(rows.length);
  const label = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    let u = units.get(r.comparison_id);
    if (u === undefined) units.set(r.comparison_id, (u = units.size));
    let j = judges.get(r.judge_id);
    if (j === undefined) judges.set(r.judge_id, (j = judges.size));
    unit[i] = u;
    judge[i] = j;
    label[i] = LABEL[r.winner];
  });
  const first = new Int32Array(units.size).fill(-1);
  const shared = new Uint8Array(units.size);
  for (let i = 0; i < rows.length; i++) {
    const u = unit[i] as number;
    if (first[u] === -1) first[u] = judge[i] as number;
    else if (first[u] !== judge[i]) shared[u] = 1;
  }
  const sharing = new Uint8Array(judges.size);
  for (let i = 0; i < rows.length; i++)
    if (shared[unit[i] as number]) sharing[judge[i] as number] = 1;
  const out = new Map<string, Reliability>();
  if (!sharing.includes(1)) {
    for (const id of judges.keys())
      out.set(id, { value: null, reason: 'no comparison judged by two or more judges yet' });
    return out;
  }
  const fit = dawidSkene({ units: units.size, judges: judges.size, unit, judge, label });
  for (const [id, j] of judges)
    out.set(
      id,
      sharing[j]
        ? { value: fit.accuracy[j] as number }
        : { value: null, reason: 'no comparison shared with another judge' },
    );
  return out;
}
