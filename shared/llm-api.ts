import { z } from 'zod';
import { modelNameSchema } from './import-records.ts';
import { storableText } from './text.ts';

/** USD per million tokens; `imageTokens` bounds one image's input tokens (for the budget estimate). */
export const modelPriceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  imageTokens: z.number().int().positive().optional(),
});

/**
 * Admin API shapes of LLM runs, used by the server routes and the admin page. The start body is
 * also what `tracearena judge` parses its flags into (server/cli/judge-flags.ts).
 */
export const startRunBodySchema = z.strictObject({
  models: z
    .array(modelNameSchema)
    .min(1)
    .max(10)
    .superRefine((models, ctx) => {
      const twice = models.find((m, i) => models.indexOf(m) !== i);
      if (twice !== undefined)
        ctx.addIssue({ code: 'custom', message: `the same model is named twice ('${twice}')` });
    }),
  provider: z.enum(['openai', 'anthropic']).default('openai'),
  baseUrl: z.string().url().optional(),
  /** Name of the server's environment variable holding the key; the key itself never travels. */
  apiKeyEnv: z
    .string()
    .regex(
      /^[A-Z][A-Z0-9_]*(_API_KEY|_KEY|_TOKEN)$/,
      'an environment variable name ending in _API_KEY, _KEY or _TOKEN',
    )
    .optional(),
  concurrency: z.number().int().min(1).max(256).default(4),
  rpm: z.number().int().min(1).optional(),
  swap: z.boolean().default(false),
  maxCostUsd: z.number().nonnegative().optional(),
  /** A custom template's text (see docs/llm-judging.md); the default template when absent. */
  template: storableText().min(1).max(100_000).optional(),
  withReference: z.boolean().default(false),
  temperature: z.number().min(0).max(2).default(0),
  maxTokens: z.number().int().min(1).max(200_000).default(1024),
  seed: z.number().int().min(0).optional(),
  structured: z.boolean().default(true),
  prices: z.record(storableText(), modelPriceSchema).optional(),
});
export type StartRunBody = z.infer<typeof startRunBodySchema>;

export const llmRunSchema = z.object({
  id: z.string().uuid(),
  studyId: z.string().uuid(),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'budget_exhausted', 'cancelled']),
  judges: z.array(z.string()),
  swap: z.boolean(),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  calls: z.number().int(),
  cachedCalls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  reservedUsd: z.number(),
  maxCostUsd: z.number().nullable(),
  /** Verdicts per second since the run (last) started; null before the first. */
  ratePerSecond: z.number().nullable(),
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: z.number().nullable(),
  error: z.string().nullable(),
  /** True while a worker in this server process is running it. */
  activeHere: z.boolean(),
  heartbeatAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type LlmRun = z.infer<typeof llmRunSchema>;

export const llmRunDetailSchema = llmRunSchema.extend({
  failedByReason: z.record(z.string(), z.number().int()),
  config: z.object({
    provider: z.string().nullable(),
    baseUrl: z.string().nullable(),
    apiKeyEnv: z.string().nullable(),
    concurrency: z.number().int().nullable(),
    rpm: z.number().int().nullable(),
    template: z.string().nullable(),
  }),
});
export type LlmRunDetail = z.infer<typeof llmRunDetailSchema>;
