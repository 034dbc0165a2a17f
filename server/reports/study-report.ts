import { reportOptionsSchema, type Report, type ReportOptionsInput } from '../../shared/report.ts';
import type { Tx } from '../db/client.ts';
import { verdictRows } from '../readmodel/verdict-rows.ts';
import { outputStyles } from '../readmodel/output-styles.ts';
import { getLockedPlan } from '../plan/service.ts';
import { getStudyById } from '../studies/service.ts';
import { holdCounts } from '../integrity/service.ts';
import { listAdjudications } from '../qualification/service.ts';
import { buildReport, withStudyState, type StudyReportInputs } from './build-report.ts';
import { tableFromVerdicts } from './load-study.ts';

/**
 * The report of a study, checked against its locked analysis plan when it has one, for
 * `GET /api/studies/:id/report` (query parsed with
 * reportOptionsSchema). Returns null when the study does not exist; throws RangeError for a base
 * system that does not appear in the verdicts (a 400). With `adjudicated`, each adjudicated
 * comparison counts its final verdict instead of its human verdicts; the report says which
 * (`verdictBasis`).
 */
export async function getStudyReport(
  db: Tx,
  {
    studyId,
    options = {},
    adjudicated = false,
  }: { studyId: string; options?: ReportOptionsInput; adjudicated?: boolean },
): Promise<Report | null> {
  const study = await getStudyById(db, { id: studyId });
  if (!study) return null;
  const opts = reportOptionsSchema.parse(options);
  const inputs = await studyReportInputs(db, { studyId, base: opts.base, adjudicated });
  const report = buildReport(
    inputs.table,
    opts,
    { study: { id: study.id, name: study.name } },
    inputs.plan,
  );
  return withStudyState(report, inputs, adjudicated);
}

/**
 * What a study's report is computed from, read from the database: its verdicts as a table (each
 * with its outputs' style counts, for the style-controlled win rate; with `adjudicated`, each
 * adjudicated comparison's final verdict instead of its human ones), its locked plan (the plan
 * hash and the deviations: docs/plan.md), and the study state reported beside the figures: the
 * identity-leak holds per system (docs/integrity.md) and how many comparisons were adjudicated.
 * The report route and `tracearena report --study` both read it here. Throws RangeError for a
 * base system that is not in the verdicts.
 */
export async function studyReportInputs(
  db: Tx,
  {
    studyId,
    base,
    adjudicated = false,
  }: { studyId: string; base?: string | undefined; adjudicated?: boolean },
): Promise<StudyReportInputs> {
  return {
    table: await tableFromVerdicts(verdictRows(db, { studyId, adjudicated }), {
      base,
      styles: await outputStyles(db, { studyId }),
    }),
    plan: await getLockedPlan(db, { studyId }),
    integrity: await holdCounts(db, { studyId }),
    adjudicatedComparisons: (await listAdjudications(db, { studyId })).length,
  };
}
