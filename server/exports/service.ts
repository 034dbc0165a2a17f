import type { Judgment } from '../../shared/judgments.ts';
import type { Tx } from '../db/client.ts';
import { verdictRows, type VerdictRow } from '../readmodel/verdict-rows.ts';
import { outputKey, outputStyles } from '../readmodel/output-styles.ts';
import type { StyleCounts } from '../stats/style-control.ts';

/**
 * One verdict as a line of the judgments file: the shared record (what `stats` reads) with the
 * database's extra facts.
 */
export type JudgmentRecord = Judgment & {
  axes: NonNullable<Judgment['axes']>;
  len_a: number;
  len_b: number;
  style_a?: StyleCounts;
  style_b?: StyleCounts;
  note?: string;
  duration_ms?: number;
  /** Time on screen and visible, as the judge's page measured it. */
  reading_ms?: number;
  /** Server-side time from the lease to the verdict. */
  wall_ms?: number;
  created_at: string;
};

/** A verdict row as a judgments record: absent rather than null, strength only when set. */
function toRecord(r: VerdictRow): JudgmentRecord {
  return {
    item: r.item,
    a: r.a,
    b: r.b,
    winner: r.winner,
    judge: r.judge,
    judge_kind: r.judge_kind,
    shown_left: r.shown_left,
    axes: r.axes,
    ...(r.strength === 1 || r.strength === 2 ? { strength: r.strength } : {}),
    ...(r.modality ? { modality: r.modality } : {}),
    len_a: r.len_a,
    len_b: r.len_b,
    ...(r.note ? { note: r.note } : {}),
    ...(r.duration_ms !== null ? { duration_ms: r.duration_ms } : {}),
    ...(r.reading_ms !== null ? { reading_ms: r.reading_ms } : {}),
    ...(r.wall_ms !== null ? { wall_ms: r.wall_ms } : {}),
    created_at: r.created_at,
  };
}

/** Streams a study's verdicts as judgments records, in a stable order, with flat memory. */
export async function* exportJudgments(
  db: Tx,
  options: { studyId: string; batchSize?: number; adjudicated?: boolean },
): AsyncGenerator<JudgmentRecord> {
  // each verdict's two outputs' style counts (the style-controlled win rate), as the study's
  // report reads them, so `stats` on the export gives the study's report
  const styles = await outputStyles(db, { studyId: options.studyId });
  for await (const row of verdictRows(db, options)) {
    const record = toRecord(row);
    const a = styles.get(outputKey(row.item, row.a));
    const b = styles.get(outputKey(row.item, row.b));
    yield a && b ? { ...record, style_a: a, style_b: b } : record;
  }
}
