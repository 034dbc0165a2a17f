import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { assignments, judges } from './judging.ts';
import { studies } from './studies.ts';

export type LlmRunStatus =
  'pending' | 'running' | 'completed' | 'failed' | 'budget_exhausted' | 'cancelled';

/** An automated LLM-judge run. Config never holds an API key, only the name of its variable. */
export const llmRuns = pgTable(
  'llm_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    status: text('status').$type<LlmRunStatus>().notNull().default('pending'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    total: integer('total').notNull().default(0),
    done: integer('done').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    calls: integer('calls').notNull().default(0),
    cachedCalls: integer('cached_calls').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    /** Estimated cost of calls in flight; spent + reserved never exceeds the budget. */
    reservedUsd: doublePrecision('reserved_usd').notNull().default(0),
    maxCostUsd: doublePrecision('max_cost_usd'),
    error: text('error'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('llm_runs_study_idx').on(t.studyId),
    check(
      'llm_runs_status',
      sql`${t.status} in ('pending','running','completed','failed','budget_exhausted','cancelled')`,
    ),
  ],
);

/** Provider responses keyed by a hash of (provider, model, parameters, messages): a re-run re-bills nothing. */
export const llmCache = pgTable('llm_cache', {
  key: text('key').primaryKey(),
  provider: text('provider').notNull(),
  model: text('model').notNull(),
  response: jsonb('response').$type<Record<string, unknown>>().notNull(),
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
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
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
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
