import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The audit trail of studies (docs/audit.md): one row per event, append-only. Owned by
 * server/audit/repository.ts for admin actions; the judging events (a comparison shown, a lease
 * taken, expired, re-issued, renewed or released, a verdict, a skip or can't-judge, a note, a
 * judge revoked) are written by triggers on judging's and auth's tables (migration
 * 0007_audit_events), in the same statement as the change they record. A trigger refuses
 * UPDATE, DELETE and TRUNCATE. No foreign keys: an event outlives the rows it names.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    /** Monotonic, in the order the events were written. */
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    studyId: uuid('study_id').notNull(),
    /** When the event was written (the transaction's time, as the rows it records). */
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Who did it: 'admin', 'cli', 'judge:<id>', 'llm-run:<id>', 'demo'. */
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    judgeId: uuid('judge_id'),
    assignmentId: uuid('assignment_id'),
    comparisonId: uuid('comparison_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_events_study_idx').on(t.studyId, t.id)],
);
