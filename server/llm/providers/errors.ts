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
  ) {
    super(message);
    this.name = 'ProviderCallError';
    this.fatal = status !== null && FATAL_STATUSES.has(status);
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
  if (status !== null) return new ProviderCallError(message, status);
  // Connection resets, timeouts and unreadable (malformed or truncated) bodies are worth another try.
  return new ProviderCallError(message, null);
}

/** Removes the API key, and anything shaped like one, from text that may be stored or logged. */
export function makeRedactor(apiKey: string | null): (s: string) => string {
  return (s: string) => {
    let out = s;
    if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[redacted]');
    return out.replace(/\b(sk|sk-ant|sk-proj|key)-[A-Za-z0-9_*.-]{6,}/g, '[redacted]');
  };
}
