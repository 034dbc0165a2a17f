import { sql } from 'drizzle-orm';
import { reportOptionsSchema, type Report, type ReportOptionsInput } from '../../shared/report.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { buildReport } from './build-report.ts';
import { exportJudgments } from '../exports/service.ts';
import { tableFromJudgments } from './load-study.ts';

/**
 * The report of a study, for `GET /api/studies/:id/report` (query parsed with
 * reportOptionsSchema). Returns null when the study does not exist; throws RangeError for a base
 * system that does not appear in the verdicts (a 400).
 */
export async function getStudyReport(
  db: Tx,
  { studyId, options = {} }: { studyId: string; options?: ReportOptionsInput },
): Promise<Report | null> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from studies where id = ${studyId}`,
  );
  if (!rows[0]) return null;
  const opts = reportOptionsSchema.parse(options);
  const table = await tableFromJudgments(exportJudgments(db, { studyId }), { base: opts.base });
  return buildReport(table, opts);
}
