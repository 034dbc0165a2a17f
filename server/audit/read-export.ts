/**
 * An audit export read back (`tracearena report --from-audit FILE`, docs/audit.md): its verdict
 * events as the facts a report reads, in the order the study's report reads its verdicts (the
 * verdict's time, then its id), so that the report rebuilt from the export alone is the study's.
 * A bad line fails as `FILE:LINE: field 'x': reason`.
 */
import { z } from 'zod';
import {
  auditEventSchema,
  auditImportStylesSchema,
  auditVerdictSchema,
  type AuditVerdict,
} from '../../shared/audit.ts';
import { lockedPlanSchema, type LockedPlan } from '../../shared/plan.ts';
import { integritySummarySchema, type IntegritySummary } from '../../shared/report.ts';
import { readJsonl } from '../files/jsonl.ts';
import { FileRecordError } from '../files/record-error.ts';
import { outputKey } from '../readmodel/output-styles.ts';
import type { VerdictFacts } from '../reports/verdict-input.ts';
import type { StyleCounts } from '../stats/style-control.ts';

function fieldError(
  file: string,
  line: number,
  prefix: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
) {
  const issue = issues[0];
  const path = issue ? [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') : '';
  return FileRecordError.field(file, line, path || '(record)', issue?.message ?? 'invalid event');
}

/**
 * The verdict events of an audit export, checked, with the study they belong to, its locked
 * analysis plan (the last 'plan_lock' event's `plan`, if any) and its identity-leak holds per
 * system (the last `integrity` an admin action recorded, if any: only actions that may change the
 * holds record them, server/audit/service.ts).
 */
export async function readAuditExport(
  path: string,
  displayName = path,
): Promise<{
  studyId: string | null;
  events: number;
  verdicts: AuditVerdict[];
  plan: LockedPlan | null;
  integrity: IntegritySummary | null;
  /** Comparisons judged in an adjudication ('adjudication' events). */
  adjudicated: number;
  /** The outputs' style counts the 'import' events recorded (keyed by outputKey); null: none. */
  styles: Map<string, StyleCounts> | null;
}> {
  let studyId: string | null = null;
  let events = 0;
  let plan: LockedPlan | null = null;
  let integrity: IntegritySummary | null = null;
  let excluded = new Set<string>();
  const adjudicated = new Set<string>();
  let styles: Map<string, StyleCounts> | null = null;
  const verdictComparisons = new Map<AuditVerdict, string | null>();
  const verdicts: AuditVerdict[] = [];
  for await (const { line, value } of readJsonl(path, displayName)) {
    const event = auditEventSchema.safeParse(value);
    if (!event.success) throw fieldError(displayName, line, '', event.error.issues);
    events++;
    if (studyId === null) studyId = event.data.study_id;
    else if (event.data.study_id !== studyId)
      throw FileRecordError.field(
        displayName,
        line,
        'study_id',
        `the export mixes studies (${studyId} before this line)`,
      );
    if (event.data.kind === 'plan_lock') {
      const locked = lockedPlanSchema.safeParse(event.data.data.plan);
      if (!locked.success) throw fieldError(displayName, line, 'data.plan', locked.error.issues);
      plan = locked.data;
    }
    if (event.data.data.integrity !== undefined && event.data.kind !== 'verdict') {
      const counts = integritySummarySchema.safeParse(event.data.data.integrity);
      if (!counts.success)
        throw fieldError(displayName, line, 'data.integrity', counts.error.issues);
      integrity = counts.data;
      const ids = z.array(z.string()).safeParse(event.data.data.excluded_comparisons ?? []);
      if (!ids.success)
        throw fieldError(displayName, line, 'data.excluded_comparisons', ids.error.issues);
      excluded = new Set(ids.data);
    }
    if (event.data.kind === 'import' && event.data.data.styles !== undefined) {
      const parsed = auditImportStylesSchema.safeParse(event.data.data.styles);
      if (!parsed.success) throw fieldError(displayName, line, 'data.styles', parsed.error.issues);
      styles ??= new Map();
      for (const [system, rows] of Object.entries(parsed.data))
        for (const [item, length, headers, lists, bold] of rows)
          styles.set(outputKey(item, system), { length, headers, lists, bold });
    }
    if (event.data.kind === 'adjudication' && event.data.comparison_id)
      adjudicated.add(event.data.comparison_id);
    if (event.data.kind !== 'verdict') continue;
    const verdict = auditVerdictSchema.safeParse(event.data.data);
    if (!verdict.success) throw fieldError(displayName, line, 'data', verdict.error.issues);
    verdicts.push(verdict.data);
    verdictComparisons.set(verdict.data, event.data.comparison_id);
  }
  // The study's report reads verdicts by (created_at, id); the times are fixed-width UTC strings.
  verdicts.sort((x, y) =>
    x.created_at === y.created_at
      ? x.verdict_id < y.verdict_id
        ? -1
        : x.verdict_id > y.verdict_id
          ? 1
          : 0
      : x.created_at < y.created_at
        ? -1
        : 1,
  );
  // A comparison excluded when the export was made counts nowhere, as in the study's report.
  const counted = verdicts.filter((v) => !excluded.has(verdictComparisons.get(v) ?? ''));
  return {
    studyId,
    events,
    verdicts: counted,
    plan,
    integrity,
    adjudicated: adjudicated.size,
    styles,
  };
}

/**
 * A verdict event as the facts a report reads. Null for a verdict whose comparison lacks an
 * output (no lengths): the study's report leaves it out too.
 */
export function auditVerdictFacts(v: AuditVerdict): VerdictFacts | null {
  if (v.len_a === null || v.len_b === null) return null;
  return {
    item: v.item,
    a: v.a,
    b: v.b,
    winner: v.winner,
    judge: v.judge,
    judge_kind: v.judge_kind,
    shown_left: v.shown_left,
    axes: v.axes,
    modality: v.modality,
    len_a: v.len_a,
    len_b: v.len_b,
  };
}
