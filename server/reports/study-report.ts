import { reportOptionsSchema, type Report, type ReportOptionsInput } from '../../shared/report.ts';
import type { Tx } from '../db/client.ts';
import { verdictRows } from '../readmodel/verdict-rows.ts';
import { getLockedPlan } from '../plan/service.ts';
import { getStudyById } from '../studies/service.ts';
import { holdCounts } from '../integrity/service.ts';
import { buildReport } from './build-report.ts';
import { tableFromVerdicts } from './load-study.ts';

/**
 * The report of a study, checked against its locked analysis plan when it has one, for
 * `GET /api/studies/:id/report` (query parsed with
 * reportOptionsSchema). Returns null when the study does not exist; throws RangeError for a base
 * system that does not appear in the verdicts (a 400).
 */
export async function getStudyReport(
  db: Tx,
  { studyId, options = {} }: { studyId: string; options?: ReportOptionsInput },
): Promise<Report | null> {
  const study = await getStudyById(db, { id: studyId });
  if (!study) return null;
  const opts = reportOptionsSchema.parse(options);
  const table = await tableFromVerdicts(verdictRows(db, { studyId }), { base: opts.base });
  // the study in the provenance, so `report --replay` finds it without --study; its locked plan
  // for the plan hash and the deviations (docs/plan.md)
  const plan = await getLockedPlan(db, { studyId });
  const report = buildReport(table, opts, { study: { id: study.id, name: study.name } }, plan);
  // the identity-leak holds per system (docs/integrity.md): study state beside the figures
  return { ...report, integrity: await holdCounts(db, { studyId }) };
}
