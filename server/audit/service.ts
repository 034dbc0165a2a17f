/**
 * The audit trail's service (docs/audit.md). `recordAdminAction` is how every admin action of a
 * study is recorded: call it inside the action's own transaction, so the record and the change
 * commit together. The judging events need no call: triggers record them (migration 0007).
 */
import type { AuditEvent } from '../../shared/audit.ts';
import type { Tx } from '../db/client.ts';
import { holdCounts } from '../integrity/service.ts';
import { requireStudy } from '../studies/service.ts';
import * as repo from './repository.ts';

/**
 * Who did it: 'admin' (the admin token, over HTTP), 'cli' (a command on the database), 'demo',
 * 'judge:<id>', 'llm-run:<id>'. A named admin account would be 'admin:<name>'.
 */
export type AuditActor = string;

/** The admin actions the trail names; the kind stored is the action's name. */
export type AdminAction =
  | 'import'
  | 'pair'
  | 'plan_lock'
  | 'output_release'
  | 'output_redact'
  | 'comparison_exclude'
  | 'output_hold'
  | 'integrity_word_add'
  | 'integrity_word_remove'
  | 'integrity_rescan'
  | 'llm_run_start'
  | 'llm_run_cancel'
  | 'llm_run_end'
  | (string & {});

/**
 * Records one admin action of a study (`details`: what it did, JSON; the event's data is the
 * details with `integrity`, the study's identity-leak holds per system after the action, and
 * `excluded_comparisons`, the ids of the comparisons excluded then, beside them). Returns the
 * event's id.
 * Example: `await recordAdminAction(tx, { studyId, actor: 'admin', action: 'plan_lock', details: { sha256 } })`.
 */
export async function recordAdminAction(
  db: Tx,
  {
    studyId,
    actor,
    action,
    details = {},
  }: { studyId: string; actor: AuditActor; action: AdminAction; details?: Record<string, unknown> },
): Promise<number> {
  // The study's identity-leak holds as they stand after the action: the one piece of study state a
  // report shows beside its figures, so that a report rebuilt from the export has it too.
  // And the comparisons excluded, whose verdicts the study's report leaves out.
  const integrity = await holdCounts(db, { studyId });
  const excluded = await repo.excludedComparisons(db, { studyId });
  return repo.insertAdminEvent(db, {
    studyId,
    actor,
    kind: action,
    data: { ...details, integrity, excluded_comparisons: excluded },
  });
}

/** The study's trail as the lines of an audit export (shared/audit.ts), in the order written. */
export async function* exportAudit(
  db: Tx,
  options: { studyId: string; batchSize?: number },
): AsyncGenerator<AuditEvent> {
  for await (const row of repo.studyEvents(db, options)) yield row;
}

/** Who changed the study lately (the admin page's "Changes"): time, account, action. */
export async function recentChanges(
  db: Tx,
  { studyId, limit }: { studyId: string; limit: number },
) {
  await requireStudy(db, { id: studyId });
  return repo.recentChanges(db, { studyId, limit });
}
