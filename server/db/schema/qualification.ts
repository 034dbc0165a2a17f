import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { comparisons, judges } from './judging.ts';
import { studies } from './studies.ts';

/**
 * Qualification and adjudication: owned by server/qualification/ (its repository is the only
 * writer). Training answers live here, never in `verdicts`, so no report or export can count them.
 */

/** How adjudication treats a comparison whose K human verdicts split. */
export type AdjudicationRule = 'off' | 'no_majority' | 'any_disagreement';

/** A study's qualification and adjudication settings (no row: no qualification, no adjudication). */
export const qualificationSettings = pgTable(
  'qualification_settings',
  {
    studyId: uuid('study_id')
      .primaryKey()
      .references(() => studies.id, { onDelete: 'cascade' }),
    /** Judges must pass the training set before any real comparison is leased to them. */
    required: boolean('required').notNull().default(false),
    /** The share of training items a judge must get right to pass (0 < mark <= 1). */
    passMark: real('pass_mark').notNull().default(0.8),
    /** Attempts at the whole training set before the judge is held. */
    maxAttempts: smallint('max_attempts').notNull().default(2),
    adjudicationRule: text('adjudication_rule').$type<AdjudicationRule>().notNull().default('off'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('qualification_pass_mark', sql`${t.passMark} > 0 and ${t.passMark} <= 1`),
    check('qualification_max_attempts', sql`${t.maxAttempts} >= 1`),
    check(
      'qualification_adjudication_rule',
      sql`${t.adjudicationRule} in ('off','no_majority','any_disagreement')`,
    ),
  ],
);

/** A training comparison: one of the study's comparisons with the verdict expected and why. */
export const trainingItems = pgTable(
  'training_items',
  {
    /** Random and opaque: the id a judge's page sees. */
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    comparisonId: uuid('comparison_id')
      .notNull()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    /** Relative to the comparison's systems a/b. */
    expected: text('expected').$type<'a' | 'b' | 'tie'>().notNull(),
    explanation: text('explanation').notNull(),
    /** Which system the judge sees on the left (fixed per item, drawn when it is added). */
    shownLeft: text('shown_left').$type<'a' | 'b'>().notNull(),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('training_items_study_comparison').on(t.studyId, t.comparisonId),
    index('training_items_study_idx').on(t.studyId, t.position),
    check('training_items_expected', sql`${t.expected} in ('a','b','tie')`),
    check('training_items_shown_left', sql`${t.shownLeft} in ('a','b')`),
  ],
);

/** One judge's qualification state: passed, held after failing, released by the admin; adjudicator flag. */
export const judgeStanding = pgTable('judge_standing', {
  judgeId: uuid('judge_id')
    .primaryKey()
    .references(() => judges.id, { onDelete: 'cascade' }),
  studyId: uuid('study_id')
    .notNull()
    .references(() => studies.id, { onDelete: 'cascade' }),
  qualifiedAt: timestamp('qualified_at', { withTimezone: true }),
  heldAt: timestamp('held_at', { withTimezone: true }),
  /** The admin's last release of a hold: attempts count again from here. */
  releasedAt: timestamp('released_at', { withTimezone: true }),
  adjudicator: boolean('adjudicator').notNull().default(false),
});

/** One pass of a judge through the training set. */
export const trainingAttempts = pgTable(
  'training_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    judgeId: uuid('judge_id')
      .notNull()
      .references(() => judges.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    number: smallint('number').notNull(),
    /** Training items in the set when the attempt started. */
    total: integer('total').notNull(),
    correct: integer('correct').notNull().default(0),
    answered: integer('answered').notNull().default(0),
    passed: boolean('passed'),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('training_attempts_judge_number').on(t.judgeId, t.number),
    check('training_attempts_number', sql`${t.number} >= 1`),
  ],
);

/** A judge's answer to one training item in one attempt (relative to the systems). */
export const trainingAnswers = pgTable(
  'training_answers',
  {
    attemptId: uuid('attempt_id')
      .notNull()
      .references(() => trainingAttempts.id, { onDelete: 'cascade' }),
    trainingItemId: uuid('training_item_id')
      .notNull()
      .references(() => trainingItems.id, { onDelete: 'cascade' }),
    winner: text('winner').$type<'a' | 'b' | 'tie'>().notNull(),
    correct: boolean('correct').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.attemptId, t.trainingItemId] }),
    check('training_answers_winner', sql`${t.winner} in ('a','b','tie')`),
  ],
);

/**
 * The adjudication of a comparison whose human verdicts split: leased to one adjudicator, then
 * done with the final verdict (relative to the systems) and the reason. The original verdicts
 * stay in `verdicts`; a report uses this one only when asked (`--adjudicated`).
 */
export const adjudications = pgTable(
  'adjudications',
  {
    /** Random and opaque: the id an adjudicator's page sees. */
    id: uuid('id').primaryKey().defaultRandom(),
    comparisonId: uuid('comparison_id')
      .notNull()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    judgeId: uuid('judge_id')
      .notNull()
      .references(() => judges.id, { onDelete: 'cascade' }),
    status: text('status').$type<'leased' | 'done'>().notNull().default('leased'),
    shownLeft: text('shown_left').$type<'a' | 'b'>().notNull(),
    leasedAt: timestamp('leased_at', { withTimezone: true }).notNull().defaultNow(),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    winner: text('winner').$type<'a' | 'b' | 'tie'>(),
    reason: text('reason'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('adjudications_comparison').on(t.comparisonId),
    index('adjudications_study_idx').on(t.studyId, t.status),
    check('adjudications_status', sql`${t.status} in ('leased','done')`),
    check('adjudications_shown_left', sql`${t.shownLeft} in ('a','b')`),
    check('adjudications_winner', sql`${t.winner} is null or ${t.winner} in ('a','b','tie')`),
    check(
      'adjudications_done',
      sql`(${t.status} = 'done') = (${t.winner} is not null and ${t.reason} is not null)`,
    ),
  ],
);
