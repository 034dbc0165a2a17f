import type { JudgeSettings, Prompt, ProviderName, ProviderReply } from '../types.ts';

export interface ProviderOptions {
  apiKey: string | null;
  baseUrl: string | null;
  /** The SDK's own retries (429 honouring Retry-After, 408/409/5xx, timeouts, connection errors). */
  maxRetries: number;
  /** Per-attempt deadline: a hung response is abandoned and retried. */
  timeoutMs: number;
}

export interface Provider {
  name: ProviderName;
  /** The request body for a prompt: exactly what is sent, and what the cache key hashes. */
  buildBody(prompt: Prompt, settings: JudgeSettings, axes: string[]): Record<string, unknown>;
  call(body: Record<string, unknown>, signal?: AbortSignal): Promise<ProviderReply>;
  /** Rebuilds a reply from a stored response body (a cache hit). */
  fromBody(body: Record<string, unknown>): ProviderReply;
}

export async function createProvider(
  name: ProviderName,
  options: ProviderOptions,
): Promise<Provider> {
  if (name === 'anthropic') return (await import('./anthropic.ts')).anthropicProvider(options);
  return (await import('./openai.ts')).openaiProvider(options);
}
