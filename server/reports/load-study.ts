import { sql } from 'drizzle-orm';
import type { Judgment } from '../../shared/judgments.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { exportJudgments } from '../exports/service.ts';
import { judgmentToVerdict } from './read-jsonl.ts';
import { VerdictTableBuilder, type VerdictTable } from './verdict-table.ts';

/**
 * A study's verdicts as judgments records: exactly the records `tracearena export` writes (it is
 * the same query), so `report --study` and `stats` on an export give the same report.
 * Returns null when no study has that name.
 */
export async function loadStudyJudgments(
  db: Tx,
  { studyName }: { studyName: string },
): Promise<AsyncGenerator<Judgment> | null> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from studies where name = ${studyName}`,
  );
  const study = rows[0];
  if (!study) return null;
  return studyJudgmentsById(db, { studyId: study.id });
}

export async function* studyJudgmentsById(
  db: Tx,
  { studyId }: { studyId: string },
): AsyncGenerator<Judgment> {
  for await (const r of exportJudgments(db, { studyId })) {
    yield {
      item: r.item,
      a: r.a,
      b: r.b,
      winner: r.winner,
      judge: r.judge,
      judge_kind: r.judge_kind,
      shown_left: r.shown_left,
      ...(Object.keys(r.axes ?? {}).length ? { axes: r.axes } : {}),
      ...(r.modality ? { modality: r.modality } : {}),
      len_a: r.len_a,
      len_b: r.len_b,
      ...(r.strength ? { strength: r.strength } : {}),
    };
  }
}

/** Streams judgments into a verdict table. */
export async function tableFromJudgments(
  judgments: AsyncIterable<Judgment>,
  options: { base?: string } = {},
): Promise<VerdictTable> {
  const builder = new VerdictTableBuilder(options);
  for await (const j of judgments) builder.add(judgmentToVerdict(j));
  return builder.finish();
}
