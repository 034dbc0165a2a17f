import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { llmRuns } from './llm-runs.ts';
import { items, studies, systems } from './studies.ts';

/** A recorded pairing plan: re-running `pair` with the same seed reproduces it exactly. */
export const pairings = pgTable(
  'pairings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    seed: text('seed').notNull(),
    options: jsonb('options').$type<Record<string, unknown>>().notNull(),
    comparisonsCreated: integer('comparisons_created').notNull(),
    assignmentsCreated: integer('assignments_created').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('pairings_study_idx').on(t.studyId)],
);

/** One item × unordered system pair to be judged; `a` is the candidate, `b` the base (or the later name). */
export const comparisons = pgTable(
  'comparisons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    systemAId: uuid('system_a_id')
      .notNull()
      .references(() => systems.id, { onDelete: 'cascade' }),
    systemBId: uuid('system_b_id')
      .notNull()
      .references(() => systems.id, { onDelete: 'cascade' }),
    pairingId: uuid('pairing_id').references(() => pairings.id, { onDelete: 'set null' }),
    /** Set when the first slot is leased: open comparisons are finished before new ones start. */
    openedAt: timestamp('opened_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('comparisons_item_pair').on(t.itemId, t.systemAId, t.systemBId),
    check('comparisons_distinct_systems', sql`${t.systemAId} <> ${t.systemBId}`),
    index('comparisons_study_idx').on(t.studyId),
    index('comparisons_system_a_idx').on(t.systemAId),
    index('comparisons_system_b_idx').on(t.systemBId),
    index('comparisons_pairing_idx').on(t.pairingId),
  ],
);

export const judges = pgTable(
  'judges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'human' | 'llm'>().notNull(),
    name: text('name').notNull(),
    /** sha256 of the invite token; the token itself is never stored. */
    tokenHash: text('token_hash').unique(),
    quota: integer('quota'),
    /** For LLM judges: provider and model settings (never an API key). */
    config: jsonb('config').$type<Record<string, unknown>>(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('judges_study_kind_name').on(t.studyId, t.kind, t.name),
    check('judges_kind', sql`${t.kind} in ('human','llm')`),
    check('judges_quota', sql`${t.quota} is null or ${t.quota} >= 0`),
  ],
);

/**
 * One judging slot of a comparison. Human slots (run_id null) form the leased queue; an LLM run
 * creates its own slots for its judges and leases them from the same table.
 */
export const assignments = pgTable(
  'assignments',
  {
    /** Random: reveals nothing about the comparison's systems. */
    id: uuid('id').primaryKey().defaultRandom(),
    comparisonId: uuid('comparison_id')
      .notNull()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    /** Denormalised from the comparison so the queue is one index scan. */
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    slot: smallint('slot').notNull(),
    runId: uuid('run_id').references(() => llmRuns.id, { onDelete: 'cascade' }),
    /** Which system is shown on the left: 'a' or 'b', drawn from the pairing seed. */
    shownLeft: text('shown_left').$type<'a' | 'b'>().notNull(),
    /** Order in which open slots are handed out (seeded shuffle). */
    queuePos: bigint('queue_pos', { mode: 'number' }).notNull(),
    /** 0 once another slot of the comparison has been leased: started comparisons are finished first. */
    priority: smallint('priority').notNull().default(1),
    status: text('status').$type<'open' | 'leased' | 'done'>().notNull().default('open'),
    judgeId: uuid('judge_id').references(() => judges.id, { onDelete: 'set null' }),
    /**
     * Judges who held this slot before its holder: a lease that expired and was taken over. They
     * saw the comparison, so the lease's unseen-item rule counts its item as seen by them.
     */
    heldBy: uuid('held_by')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    leasedAt: timestamp('leased_at', { withTimezone: true }),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('assignments_comparison_slot_run').on(
      t.comparisonId,
      t.slot,
      sql`coalesce(${t.runId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
    ),
    // A judge never holds two slots of the same comparison.
    uniqueIndex('assignments_comparison_judge')
      .on(t.comparisonId, t.judgeId)
      .where(sql`${t.judgeId} is not null`),
    index('assignments_queue_idx')
      .on(t.studyId, t.priority, t.queuePos)
      .where(sql`${t.runId} is null and ${t.status} <> 'done'`),
    index('assignments_run_queue_idx')
      .on(t.runId, t.priority, t.queuePos)
      .where(sql`${t.runId} is not null and ${t.status} <> 'done'`),
    index('assignments_leases_idx').on(t.judgeId, t.status),
    check('assignments_shown_left', sql`${t.shownLeft} in ('a','b')`),
    check('assignments_status', sql`${t.status} in ('open','leased','done')`),
    check('assignments_slot', sql`${t.slot} >= 0`),
    check(
      'assignments_lease_consistent',
      sql`(${t.status} = 'open') = (${t.judgeId} is null) or ${t.status} = 'done'`,
    ),
  ],
);

/** A judge's "skip" or "can't judge": that judge never gets the comparison again. */
export const skips = pgTable(
  'skips',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    comparisonId: uuid('comparison_id')
      .notNull()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    judgeId: uuid('judge_id')
      .notNull()
      .references(() => judges.id, { onDelete: 'cascade' }),
    reason: text('reason').$type<'skip' | 'cannot_judge'>().notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('skips_comparison_judge').on(t.comparisonId, t.judgeId),
    index('skips_judge_idx').on(t.judgeId),
    check('skips_reason', sql`${t.reason} in ('skip','cannot_judge')`),
  ],
);

export type Side = 'a' | 'b' | 'tie';

/** A verdict relative to the comparison's systems, with the position each was shown in. */
export const verdicts = pgTable(
  'verdicts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assignmentId: uuid('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    comparisonId: uuid('comparison_id')
      .notNull()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    judgeId: uuid('judge_id')
      .notNull()
      .references(() => judges.id, { onDelete: 'cascade' }),
    winner: text('winner').$type<Side>().notNull(),
    axes: jsonb('axes').$type<Record<string, Side>>().notNull().default({}),
    strength: smallint('strength'),
    note: text('note'),
    shownLeft: text('shown_left').$type<'a' | 'b'>().notNull(),
    leasedAt: timestamp('leased_at', { withTimezone: true }),
    /** Reading time as before: the page's figure when it sent one, else the server's wall time. */
    durationMs: integer('duration_ms'),
    /** Time the comparison was on screen and visible, as the page measured it (Page Visibility). */
    readingMs: integer('reading_ms'),
    /** Server-side time from the lease to the verdict: the page's figure cannot exceed it honestly. */
    wallMs: integer('wall_ms'),
    createdAt: createdAt(),
  },
  (t) => [
    // Exactly one verdict per (assignment, order): humans judge one order, LLM swap runs both.
    unique('verdicts_assignment_order').on(t.assignmentId, t.shownLeft),
    index('verdicts_comparison_idx').on(t.comparisonId),
    index('verdicts_judge_idx').on(t.judgeId),
    check('verdicts_winner', sql`${t.winner} in ('a','b','tie')`),
    check('verdicts_shown_left', sql`${t.shownLeft} in ('a','b')`),
    check('verdicts_strength', sql`${t.strength} is null or ${t.strength} in (1,2)`),
    check('verdicts_reading_ms', sql`${t.readingMs} is null or ${t.readingMs} >= 0`),
    check('verdicts_wall_ms', sql`${t.wallMs} is null or ${t.wallMs} >= 0`),
  ],
);

export const adminTokens = pgTable('admin_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: createdAt(),
});
