import { MAX_RETRY_AFTER_MS, retryAfterMs } from './contract.ts';
/**
 * A failed provider call, after the SDK's own retries. `fatal` errors (bad key, no credit, unknown
 * model) stop the whole run: every other call would fail the same way. `rejected` ones (this
 * request is refused: an image type the model does not take, a prompt too long) fail this order
 * for good without retrying; anything else is worth another attempt.
 */
export class ProviderCallError extends Error {
  readonly fatal: boolean;
  readonly rejected: boolean;
  constructor(
    message: string,
    readonly status: number | null,
    fatal = false,
  ) {
    super(message);
    this.name = 'ProviderCallError';
    this.fatal = fatal || (status !== null && FATAL_STATUSES.has(status));
    this.rejected = status !== null && REJECTED_STATUSES.has(status);
  }
}

export const FATAL_STATUSES = new Set([401, 402, 403, 404, 405]);
export const REJECTED_STATUSES = new Set([400, 413, 422]);

/** Maps an SDK error (both SDKs share the shape: `status` on API errors) to a ProviderCallError. */
export function classifyError(err: unknown, redact: (s: string) => string): ProviderCallError {
  if (err instanceof ProviderCallError) return err;
  const e = err as {
    status?: unknown;
    message?: unknown;
    name?: unknown;
    constructor?: { name?: string };
  };
  const status = typeof e?.status === 'number' ? e.status : null;
  const kind = e?.constructor?.name ?? (typeof e?.name === 'string' ? e.name : 'Error');
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  // as the provider wrote it (an attempt stores it escaped and reversible); the run's own error,
  // which the CLI prints, is made one line where the run stops (runner.ts)
  const message = redact(`${kind}: ${raw}`).slice(0, 500);
  // a rate limit or quota that asks for a longer wait than a run waits out (contract.ts
  // cappedRetryAfter) stops the run at once: every order would get the same answer, and retrying
  // them sent about 50 requests a second at a provider that had asked for an hour's pause
  const wait = status === 429 ? retryAfterOf(err) : null;
  if (wait !== null && wait > MAX_RETRY_AFTER_MS)
    return new ProviderCallError(
      `${message.split('\n', 1)[0]} (the provider asks to wait ${Math.ceil(wait / 1000)} s before another request, longer than a run waits: run the same command again later)`,
      status,
      true,
    );
  if (status !== null) return new ProviderCallError(message, status);
  // Connection resets, timeouts and unreadable (malformed or truncated) bodies are worth another try.
  return new ProviderCallError(message, null);
}

/** The wait an SDK error's response asked for, in ms (its headers: a Headers or a plain record). */
function retryAfterOf(err: unknown): number | null {
  const headers = (err as { headers?: unknown } | null)?.headers;
  if (headers instanceof Headers) return retryAfterMs(headers);
  if (headers && typeof headers === 'object')
    return retryAfterMs(new Headers(headers as Record<string, string>));
  return null;
}

/** Removes the API key, and anything shaped like one, from text that may be stored or logged. */
export function makeRedactor(apiKey: string | null): (s: string) => string {
  return (s: string) => {
    let out = s;
    if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[redacted]');
    return out.replace(/\b(sk|sk-ant|sk-proj|key)-[A-Za-z0-9_*.-]{6,}/g, '[redacted]');
  };
}
