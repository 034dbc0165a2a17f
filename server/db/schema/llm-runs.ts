import { sql } from 'drizzle-orm';
import {
  bigint,
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
import { studies } from './studies.ts';

// In a file of its own so that judging's assignments (run_id) and llm's attempts (assignment_id)
// both point at it without judging.ts and llm.ts importing each other.

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
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
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
