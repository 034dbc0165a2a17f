/**
 * Errors meaning "the database cannot be reached right now" (restarting, shutting down, network
 * gone) as opposed to "this query is wrong". The first kind is transient: the HTTP edge answers
 * 503 with Retry-After, so judge pages retry, instead of a 500.
 */
const TRANSIENT_CODES = new Set([
  // Node sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** node-postgres raises these without a code when the socket goes away mid-session. */
const TRANSIENT_MESSAGE =
  /Connection terminated|connection ended unexpectedly|is not queryable|timeout exceeded when trying to connect/i;

/**
 * True when `err`, or an error it wraps (drizzle's `cause`, Node's AggregateError for a host with
 * several addresses), says the database is unreachable.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  if (TRANSIENT_MESSAGE.test(err.message)) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1)))
    return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
}
