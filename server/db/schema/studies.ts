import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, createdAt } from './columns.ts';

export const studies = pgTable(
  'studies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique(),
    axes: jsonb('axes')
      .$type<string[]>()
      .notNull()
      .default(['perception', 'medical_knowledge', 'rationale']),
    guidelines: text('guidelines').notNull().default(''),
    judgesPerComparison: smallint('judges_per_comparison').notNull().default(1),
    leaseSeconds: integer('lease_seconds').notNull().default(600),
    requireAxes: integer('require_axes').notNull().default(0),
    /**
     * Allocation settings (issue 15): the half-width at which a pair's anytime-valid sequence counts
     * as "enough verdicts"; whether the human queue then stops handing out that pair's unstarted
     * comparisons (also once the sequence has decided a winner); whether the queue hands out first
     * the comparisons of the pairs whose intervals are widest (server/judging/allocation.ts).
     */
    targetHalfWidth: doublePrecision('target_half_width'),
    autoStop: boolean('auto_stop').notNull().default(false),
    adaptive: boolean('adaptive').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    check(
      'studies_target_half_width',
      sql`${t.targetHalfWidth} is null or (${t.targetHalfWidth} > 0 and ${t.targetHalfWidth} < 0.5)`,
    ),
    check('studies_k_positive', sql`${t.judgesPerComparison} >= 1`),
    check('studies_lease_positive', sql`${t.leaseSeconds} >= 5`),
    check('studies_name_nonempty', sql`length(${t.name}) > 0`),
  ],
);

export const systems = pgTable(
  'systems',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('systems_study_name').on(t.studyId, t.name),
    check('systems_name_nonempty', sql`length(${t.name}) > 0`),
  ],
);

export const items = pgTable(
  'items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    question: text('question').notNull(),
    reference: text('reference'),
    modality: text('modality'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** Gold items carry the verdict a careful judge should give, relative to systems a/b of the gold pair. */
    gold: jsonb('gold').$type<{ a: string; b: string; winner: 'a' | 'b' | 'tie' } | null>(),
    createdAt: createdAt(),
  },
  (t) => [unique('items_study_external').on(t.studyId, t.externalId)],
);

export const itemImages = pgTable(
  'item_images',
  {
    /** Random and opaque: the URL a judge sees is /api/images/<id>. */
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    mime: text('mime').notNull(),
    sha256: text('sha256').notNull(),
    bytes: bytea('bytes').notNull(),
    byteLength: integer('byte_length').notNull(),
  },
  (t) => [
    unique('item_images_item_position').on(t.itemId, t.position),
    check('item_images_position', sql`${t.position} >= 0`),
  ],
);

export const outputs = pgTable(
  'outputs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    systemId: uuid('system_id')
      .notNull()
      .references(() => systems.id, { onDelete: 'cascade' }),
    trace: text('trace').notNull(),
    answer: text('answer').notNull().default(''),
    traceLength: integer('trace_length').notNull(),
    answerLength: integer('answer_length').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('outputs_item_system').on(t.itemId, t.systemId),
    index('outputs_system_idx').on(t.systemId),
  ],
);

export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    format: text('format').notNull(),
    records: integer('records').notNull(),
    itemsCreated: integer('items_created').notNull(),
    outputsCreated: integer('outputs_created').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('imports_study_idx').on(t.studyId),
    check('imports_format', sql`${t.format} in ('jsonl','json','csv','parquet')`),
  ],
);
