import { normalizeEndpoint, readLlmApiKey, type Config } from '../config.ts';
import { Errors } from '../errors.ts';
import type { PriceTable } from './prices.ts';
import { DEFAULT_TEMPLATE_SOURCE, sha256, type Template } from './template.ts';
import type { JudgeSettings, ProviderName } from './types.ts';

export const DEFAULTS = Object.freeze({
  concurrency: 4,
  temperature: 0,
  maxTokens: 1024,
  leaseSeconds: 120,
  timeoutMs: 120_000,
  maxRetries: 4,
  maxErrorAttempts: 3,
  /** A finished run ends `failed` when more than this share of its orders failed (or all did). */
  maxFailedShare: 0.5,
});

/** Where each SDK sends its calls when no base URL is given. */
const OFFICIAL_ENDPOINTS: Record<ProviderName, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/**
 * Where a run may send the server's key, and which key: the base URL (the provider's official one
 * when absent) must be one of the operator's TRACEARENA_LLM_ENDPOINTS and the variable (default
 * per provider) one of TRACEARENA_LLM_KEY_ENVS, and set (else TA_LLM_NOT_ALLOWED or
 * TA_LLM_KEY_MISSING). Checked before the run starts; the key is handed to the SDK and nowhere else.
 */
export function resolveProviderAccess(
  config: Pick<Config, 'llmEndpoints' | 'llmKeyEnvs'>,
  {
    provider,
    baseUrl,
    apiKeyEnv,
  }: { provider: ProviderName; baseUrl?: string | undefined; apiKeyEnv?: string | undefined },
): { baseUrl: string | null; apiKeyEnv: string; apiKey: string } {
  const endpoint = normalizeEndpoint(baseUrl ?? OFFICIAL_ENDPOINTS[provider]);
  if (endpoint === null) throw new Errors.LlmNotAllowed('base URL is not an http(s) URL');
  if (!config.llmEndpoints.includes(endpoint))
    throw new Errors.LlmNotAllowed(
      `base URL '${endpoint}' is not in the server's TRACEARENA_LLM_ENDPOINTS (allowed: ${config.llmEndpoints.join(', ') || 'none'})`,
    );
  const name = apiKeyEnv ?? (provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY');
  if (!config.llmKeyEnvs.includes(name))
    throw new Errors.LlmNotAllowed(
      `API key variable '${name}' is not in the server's TRACEARENA_LLM_KEY_ENVS (allowed: ${config.llmKeyEnvs.join(', ') || 'none'})`,
    );
  const apiKey = readLlmApiKey(name);
  if (!apiKey)
    throw new Errors.LlmKeyMissing(
      `${name} is not set (a server without a key sets it to any value, e.g. ${name}=none)`,
    );
  return { baseUrl: baseUrl ?? null, apiKeyEnv: name, apiKey };
}

/** Everything a run needs; the API key is passed in resolved and is never stored. */
export interface RunOptions {
  studyId: string;
  provider: ProviderName;
  models: string[];
  baseUrl: string | null;
  apiKey: string | null;
  apiKeyEnv: string | null;
  concurrency: number;
  rpm: number | null;
  swap: boolean;
  maxCostUsd: number | null;
  template: Template;
  withReference: boolean;
  temperature: number;
  maxTokens: number;
  seed: number | null;
  structured: boolean;
  prices: PriceTable;
  /** Lease on a slot while it is worked on; renewed every third of it by the heartbeat. */
  leaseSeconds: number;
  /** Per-attempt deadline of a provider call. */
  timeoutMs: number;
  /** The SDK's retries per attempt (429 with Retry-After, 5xx, timeouts, connection resets). */
  maxRetries: number;
  /** Attempts per order before a transport failure counts as final. */
  maxErrorAttempts: number;
  /** See DEFAULTS.maxFailedShare (the default when absent). */
  maxFailedShare?: number;
  /** The PostgreSQL URL, for the liveness lock that lets a restarted run reclaim a dead worker's leases at once. */
  databaseUrl?: string | undefined;
}

export function judgeSettings(o: RunOptions, model: string): JudgeSettings {
  return {
    provider: o.provider,
    model,
    temperature: o.temperature,
    maxTokens: o.maxTokens,
    seed: o.seed,
    structured: o.structured,
    templateHash: o.template.hash,
    withReference: o.withReference,
  };
}

/**
 * A judge's name: `provider:model`, plus a short hash of its settings when they are not the
 * defaults. Same name, same judge row: a later run with the same model and settings continues the
 * judge's work instead of judging the same comparisons again.
 */
export function judgeName(s: JudgeSettings): string {
  const isDefault =
    s.temperature === DEFAULTS.temperature &&
    s.maxTokens === DEFAULTS.maxTokens &&
    s.seed === null &&
    s.structured &&
    !s.withReference &&
    s.templateHash === sha256(DEFAULT_TEMPLATE_SOURCE);
  const base = `${s.provider}:${s.model}`;
  return isDefault ? base : `${base}#${sha256(JSON.stringify(s)).slice(0, 8)}`;
}

/** What identifies a run: its judges and how they judge. Operational settings (concurrency, budget, key) are not part of it. */
export function runFingerprint(o: RunOptions): string {
  return sha256(
    JSON.stringify({ judges: o.models.map((m) => judgeSettings(o, m)), swap: o.swap }),
  ).slice(0, 32);
}
