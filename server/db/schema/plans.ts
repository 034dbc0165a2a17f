import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { studies } from './studies.ts';

/**
 * A study's locked analysis plan (pre-registration, docs/plan.md): one per study, written once.
 * `sha256` is the SHA-256 of the canonical JSON of `plan` (sorted keys); `forced` says it was
 * locked after judging had started (`verdicts_at_lock` verdicts already in). Owned by
 * server/plan/repository.ts; a trigger (migration 0004) refuses any UPDATE of a row.
 */
export const analysisPlans = pgTable(
  'analysis_plans',
  {
    studyId: uuid('study_id')
      .primaryKey()
      .references(() => studies.id, { onDelete: 'cascade' }),
    plan: jsonb('plan').$type<Record<string, unknown>>().notNull(),
    sha256: text('sha256').notNull(),
    forced: boolean('forced').notNull().default(false),
    verdictsAtLock: integer('verdicts_at_lock').notNull().default(0),
    lockedBy: text('locked_by').notNull(),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('analysis_plans_sha256_hex', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('analysis_plans_verdicts_nonnegative', sql`${t.verdictsAtLock} >= 0`),
  ],
);
