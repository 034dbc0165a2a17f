import { reportOptionsSchema, type Report, type ReportOptionsInput } from '../../shared/report.ts';
import type { Tx } from '../db/client.ts';
import { verdictRows } from '../readmodel/verdict-rows.ts';
import { outputStyles } from '../readmodel/output-styles.ts';
import { getLockedPlan } from '../plan/service.ts';
import { getStudyById } from '../studies/service.ts';
import { holdCounts } from '../integrity/service.ts';
import { listAdjudications } from '../qualification/service.ts';
import { buildReport } from './build-report.ts';
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
  const table = await tableFromVerdicts(verdictRows(db, { studyId, adjudicated }), {
    base: opts.base,
    // each verdict's two outputs' style counts, for the style-controlled win rate
    styles: await outputStyles(db, { studyId }),
  });
  // the study in the provenance, so `report --replay` finds it without --study; its locked plan
  // for the plan hash and the deviations (docs/plan.md)
  const plan = await getLockedPlan(db, { studyId });
  const report = buildReport(table, opts, { study: { id: study.id, name: study.name } }, plan);
  // the identity-leak holds per system (docs/integrity.md): study state beside the figures
  return {
    ...report,
    integrity: await holdCounts(db, { studyId }),
    verdictBasis: {
      basis: adjudicated ? 'adjudicated' : 'original',
      adjudicatedComparisons: (await listAdjudications(db, { studyId })).length,
    },
  };
}
