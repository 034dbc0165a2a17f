import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { assignments, judges } from './judging.ts';
import { llmRuns } from './llm-runs.ts';

/** Provider responses keyed by a hash of (provider, model, parameters, messages): a re-run re-bills nothing. */
export const llmCache = pgTable('llm_cache', {
  key: text('key').primaryKey(),
  provider: text('provider').notNull(),
  model: text('model').notNull(),
  response: jsonb('response').$type<Record<string, unknown>>().notNull(),
  inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
  outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
  costUsd: doublePrecision('cost_usd').notNull().default(0),
  createdAt: createdAt(),
});

/** Every call an LLM judge made (or took from the cache), including those whose verdict failed to parse. */
export const llmAttempts = pgTable(
  'llm_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: uuid('run_id')
      .notNull()
      .references(() => llmRuns.id, { onDelete: 'cascade' }),
    assignmentId: uuid('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    judgeId: uuid('judge_id')
      .notNull()
      .references(() => judges.id, { onDelete: 'cascade' }),
    shownLeft: text('shown_left').$type<'a' | 'b'>().notNull(),
    outcome: text('outcome').$type<'ok' | 'parse_failed' | 'refused' | 'error'>().notNull(),
    cacheKey: text('cache_key'),
    cached: boolean('cached').notNull().default(false),
    raw: text('raw'),
    error: text('error'),
    httpStatus: integer('http_status'),
    latencyMs: integer('latency_ms'),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('llm_attempts_run_idx').on(t.runId),
    index('llm_attempts_assignment_idx').on(t.assignmentId),
    index('llm_attempts_judge_idx').on(t.judgeId),
    check('llm_attempts_outcome', sql`${t.outcome} in ('ok','parse_failed','refused','error')`),
    check('llm_attempts_shown_left', sql`${t.shownLeft} in ('a','b')`),
  ],
);
