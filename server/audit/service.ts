/**
 * The audit trail's service (docs/audit.md). `recordAdminAction` is how every admin action of a
 * study is recorded: call it inside the action's own transaction, so the record and the change
 * commit together. The judging events need no call: triggers record them (migration 0007).
 */
import type { AuditEvent } from '../../shared/audit.ts';
import type { Tx } from '../db/client.ts';
import { holdSnapshot } from '../integrity/service.ts';
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
 * The actions after which the study's identity-leak holds may differ: they scan the outputs or
 * decide on a flag (integrity), or add systems or comparisons (import, pair). Nothing else writes
 * the holds or the comparisons they count, so the others (a plan lock, an LLM run's start or end)
 * record no snapshot: the last one before them still stands.
 */
const HOLD_CHANGING: ReadonlySet<AdminAction> = new Set<AdminAction>([
  'import',
  'pair',
  'output_release',
  'output_redact',
  'comparison_exclude',
  'output_hold',
  'integrity_word_add',
  'integrity_word_remove',
  'integrity_rescan',
]);

/**
 * Records one admin action of a study (`details`: what it did, JSON). After an action that may
 * change the study's identity-leak holds, the event's data also has `integrity`, the holds per
 * system after the action, and `excluded_comparisons`, the ids of the comparisons excluded then:
 * the one piece of study state a report shows beside its figures, so that a report rebuilt from
 * the export has it too (the last snapshot of the trail is the study's). Returns the event's id.
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
  const snapshot = HOLD_CHANGING.has(action) ? await holdSnapshot(db, { studyId }) : {};
  return repo.insertAdminEvent(db, {
    studyId,
    actor,
    kind: action,
    data: { ...details, ...snapshot },
  });
}

/**
 * Records an adjudicator's final verdict on a comparison (docs/qualification.md), in the
 * transaction that stores it: kind 'adjudication', actor 'judge:<id>', with the comparison, the
 * winner as a system side, the side shown on the left and the reason. Returns the event's id.
 */
export async function recordAdjudication(
  db: Tx,
  a: {
    studyId: string;
    judgeId: string;
    comparisonId: string;
    adjudicationId: string;
    winner: 'a' | 'b' | 'tie';
    shownLeft: 'a' | 'b';
    reason: string;
  },
): Promise<number> {
  return repo.insertAdminEvent(db, {
    studyId: a.studyId,
    actor: `judge:${a.judgeId}`,
    kind: 'adjudication',
    judgeId: a.judgeId,
    comparisonId: a.comparisonId,
    data: {
      adjudication_id: a.adjudicationId,
      winner: a.winner,
      shown_left: a.shownLeft,
      reason: a.reason,
    },
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
