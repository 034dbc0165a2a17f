import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { comparisons } from './judging.ts';
import { outputs, studies } from './studies.ts';

/**
 * The identity-leak scan's persisted state (docs/integrity.md), owned by server/integrity/:
 * the admin's extra words, one flag per output whose text names a system, a model or a vendor, and
 * the hold state of each comparison that shows a flagged output (what the one lease checks).
 */

/** What the admin adds to the maintained word list for one study. */
export const integrityWords = pgTable(
  'integrity_words',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    word: text('word').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('integrity_words_study_word').on(t.studyId, t.word),
    check('integrity_words_nonempty', sql`length(${t.word}) > 0`),
  ],
);

export type FlagStatus = 'held' | 'released' | 'redacted' | 'excluded';

/** One match of the scan in an output's trace or answer; offsets are UTF-16, end exclusive. */
export interface StoredMatch {
  field: 'trace' | 'answer';
  start: number;
  end: number;
  text: string;
  kind: string;
  term: string;
  selfDescribed: boolean;
  evidence?: string;
}

/** A flagged output: what matched, and the admin's decision (held until one is made). */
export const outputFlags = pgTable(
  'output_flags',
  {
    outputId: uuid('output_id')
      .primaryKey()
      .references(() => outputs.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    matches: jsonb('matches').$type<StoredMatch[]>().notNull(),
    status: text('status').$type<FlagStatus>().notNull().default('held'),
    /** The redaction, stored beside the original (outputs' row is never changed). */
    redactedTrace: text('redacted_trace'),
    redactedAnswer: text('redacted_answer'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    index('output_flags_study_idx').on(t.studyId, t.status),
    check('output_flags_status', sql`${t.status} in ('held','released','redacted','excluded')`),
    check(
      'output_flags_redaction',
      sql`${t.status} <> 'redacted' or (${t.redactedTrace} is not null and ${t.redactedAnswer} is not null)`,
    ),
  ],
);

/**
 * A comparison that shows a flagged output, with the state its outputs' flags give it (excluded,
 * else held, else redacted, else released). The lease skips held and excluded ones; the report
 * drops excluded ones. Rebuilt from output_flags by the integrity service.
 */
export const comparisonHolds = pgTable(
  'comparison_holds',
  {
    comparisonId: uuid('comparison_id')
      .primaryKey()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    status: text('status').$type<FlagStatus>().notNull(),
  },
  (t) => [
    index('comparison_holds_study_idx').on(t.studyId),
    check('comparison_holds_status', sql`${t.status} in ('held','released','redacted','excluded')`),
  ],
);

/**
 * Which outputs the scan has read, and with which scanner (a hash of the study's system names, its
 * words and the maintained list): an import or a pairing scans only outputs not yet read with the
 * current scanner, so a study's texts are not read again at every import.
 */
export const outputScans = pgTable(
  'output_scans',
  {
    outputId: uuid('output_id')
      .primaryKey()
      .references(() => outputs.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    signature: text('signature').notNull(),
  },
  (t) => [index('output_scans_study_idx').on(t.studyId)],
);
