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
    fetch: cappedRetryAfter(globalThis.fetch),
  };
}

/**
 * The longest `Retry-After` the SDKs may wait out before their next attempt. Both sleep whatever
 * the provider asks (openai 6 and @anthropic-ai/sdk 1 alike), and nothing cancels the sleep: a
 * quota's 429 with `Retry-After: 3600` would hold an order, and a cancel, for an hour.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * `fetch` for the SDKs: a response asking to wait longer than `capMs` (`retry-after-ms`, or
 * `retry-after` in seconds or as a date) gets `x-should-retry: false`, which both SDKs obey, so it
 * comes back at once as the call's error and the run handles it as any failed call (the attempt
 * recorded, the order tried again, the run stopped after its limit of such orders in a row).
 */
export function cappedRetryAfter(base: typeof fetch, capMs = MAX_RETRY_AFTER_MS): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const wait = retryAfterMs(response.headers);
    if (wait === null || wait <= capMs) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

/** How long a response asks to wait before the next request, in ms; null when it does not say. */
export function retryAfterMs(headers: Headers): number | null {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms;
  const value = headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? date - Date.now() : null;
}
