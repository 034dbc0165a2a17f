import type { JudgeSettings, Prompt, ProviderName, ProviderReply } from '../types.ts';

/*
 * What every provider implements and the options they share, apart from provider.ts (which picks
 * and loads an implementation), so that the implementations import this file and not the other way.
 */

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

/**
 * The client options both SDKs take under the same names. Without a key the SDKs would look up
 * their own environment variable (or refuse to start), so a keyless run passes a placeholder.
 */
export function sdkClientOptions(options: ProviderOptions) {
  return {
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseUrl ?? undefined,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    logLevel: 'off' as const,
  };
}
