import type { z } from 'zod';
import { startRunBodySchema, type StartRunBody } from '../../shared/llm-api.ts';
import type { PriceTable } from '../llm/prices.ts';
import type { ProviderName } from '../llm/types.ts';

/** `tracearena judge`'s flags that the admin API's start body also has (commander's values). */
export interface RunFlags {
  model: string[];
  provider: ProviderName;
  baseUrl?: string;
  apiKeyEnv?: string;
  concurrency: number;
  rpm?: number;
  swap?: boolean;
  maxCost?: number;
  withReference?: boolean;
  temperature: number;
  maxTokens: number;
  seed?: number;
  structured: boolean;
}

/** The files `--template` and `--prices` name, read; their problems name the file. */
export interface RunFiles {
  template?: { path: string; text: string };
  prices?: { path: string; table: PriceTable };
}

const FLAG: Record<keyof StartRunBody, string> = {
  models: '--model',
  provider: '--provider',
  baseUrl: '--base-url',
  apiKeyEnv: '--api-key-env',
  concurrency: '--concurrency',
  rpm: '--rpm',
  swap: '--swap',
  maxCostUsd: '--max-cost',
  template: '--template',
  withReference: '--with-reference',
  temperature: '--temperature',
  maxTokens: '--max-tokens',
  seed: '--seed',
  structured: '--no-structured',
  prices: '--prices',
};

/**
 * The flags as the start body a run started over HTTP sends, parsed by the same schema, so that
 * both entries accept the same runs. Returns the first problem as one line (the caller exits 2).
 */
export function parseRunFlags(
  flags: RunFlags,
  files: RunFiles,
): { body: StartRunBody } | { error: string } {
  const input = {
    models: flags.model,
    provider: flags.provider,
    baseUrl: flags.baseUrl,
    apiKeyEnv: flags.apiKeyEnv,
    concurrency: flags.concurrency,
    rpm: flags.rpm,
    swap: flags.swap ?? false,
    maxCostUsd: flags.maxCost,
    template: files.template?.text,
    withReference: flags.withReference ?? false,
    temperature: flags.temperature,
    maxTokens: flags.maxTokens,
    seed: flags.seed,
    structured: flags.structured,
    prices: files.prices?.table,
  };
  const parsed = startRunBodySchema.safeParse(input);
  if (parsed.success) return { body: parsed.data };
  const issue = parsed.error.issues[0]!;
  const key = issue.path[0] as keyof StartRunBody;
  if (key === 'template' && files.template) {
    return { error: `${files.template.path}: ${fileProblem(issue)}` };
  }
  if (key === 'prices' && files.prices) {
    const field = issue.path.slice(1).join('.');
    return { error: `${files.prices.path}: field '${field}': ${plainProblem(issue)}` };
  }
  const raw = issue.path.reduce<unknown>(
    (value, step) => (value as Record<PropertyKey, unknown> | undefined)?.[step],
    input,
  );
  return { error: `option '${FLAG[key]}': ${plainProblem(issue, raw)}` };
}

/**
 * What was wrong, in plain words and never zod's ("Too big: expected number to be <=256"). The
 * flags' own parsers already refuse what is not a number or below its minimum, so what reaches
 * here is mostly an upper bound the API also sets, or text that cannot be stored.
 */
function plainProblem(issue: z.core.$ZodIssue, raw?: unknown): string {
  const got = typeof raw === 'string' || typeof raw === 'number' ? `, got '${raw}'` : '';
  switch (issue.code) {
    case 'too_big':
      if (Array.isArray(raw)) return `expected at most ${issue.maximum}, got ${raw.length}`;
      if (issue.origin === 'string') return `expected at most ${issue.maximum} characters`;
      return `expected at most ${issue.maximum}${got}`;
    case 'too_small':
      return issue.origin === 'string'
        ? 'expected a non-empty value'
        : `expected at least ${issue.minimum}${got}`;
    case 'invalid_format':
      // The URL is not echoed: it may hold credentials.
      return issue.format === 'url' ? 'expected an http(s) URL' : `expected ${issue.message}${got}`;
    case 'invalid_key':
      return issue.issues[0]?.message ?? issue.message;
    default:
      return issue.message;
  }
}

function fileProblem(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small') return 'the file is empty';
  if (issue.code === 'too_big') return `longer than ${issue.maximum} characters`;
  return issue.message;
}
