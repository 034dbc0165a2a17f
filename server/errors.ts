import createError from '@fastify/error';

/**
 * A registered error, its code also readable without building one (`Errors.NotFound.code`) for
 * the places that send or log a code without throwing: log lines, websocket messages.
 */
function coded<C extends string, S extends number>(code: C, message: string, statusCode: S) {
  return Object.assign(createError(code, message, statusCode), { code });
}

/** The one registry of coded errors: clients branch on `code`, never on the message. */
export const Errors = {
  Unauthorized: coded('TA_UNAUTHORIZED', 'missing or invalid token', 401),
  Forbidden: coded('TA_FORBIDDEN', '%s', 403),
  InviteRevoked: coded('TA_INVITE_REVOKED', 'this invite has been revoked', 401),
  NotFound: coded('TA_NOT_FOUND', '%s not found', 404),
  StudyExists: coded('TA_STUDY_EXISTS', "a study named '%s' already exists", 409),
  VerdictConflict: coded(
    'TA_VERDICT_CONFLICT',
    'a different verdict was already recorded for this assignment',
    409,
  ),
  LeaseLost: coded(
    'TA_LEASE_LOST',
    'the lease on this assignment expired and it was taken by another judge',
    410,
  ),
  BadVerdict: coded('TA_BAD_VERDICT', '%s', 400),
  BadRequest: coded('TA_BAD_REQUEST', '%s', 400),
  /** A request that does not match its route's schema; the body also lists the issues. */
  Validation: coded('TA_VALIDATION', '%s', 400),
  ImportBadRecord: coded('TA_IMPORT_BAD_RECORD', '%s', 422),
  ImportTooLarge: coded('TA_IMPORT_TOO_LARGE', '%s', 413),
  LlmRunActive: coded('TA_LLM_RUN_ACTIVE', 'this run is already running in this server', 409),
  /** A base URL or key variable outside the server's TRACEARENA_LLM_ENDPOINTS / _KEY_ENVS. */
  LlmNotAllowed: coded('TA_LLM_NOT_ALLOWED', '%s', 400),
  LlmKeyMissing: coded('TA_LLM_KEY_MISSING', '%s', 400),
  PairingInvalid: coded('TA_PAIRING_INVALID', '%s', 422),
  /** The database is restarting or unreachable: transient, sent with Retry-After. */
  DatabaseUnavailable: coded(
    'TA_DB_UNAVAILABLE',
    'the database is unavailable; retry in a few seconds',
    503,
  ),
  /** Over the per-token or per-address limit (server/web/rate-limit.ts); sent with Retry-After. */
  RateLimited: coded('TA_RATE_LIMITED', 'too many requests; retry in %s s', 429),
  /** Anything unexpected: the client learns nothing more, the log gets the error. */
  Internal: coded('TA_INTERNAL', 'internal error', 500),
} as const;

/** Whether an error carries one of the registry's codes (all start TA_): it is sent as it is. */
export function hasRegisteredCode(err: { code?: string }): boolean {
  return err.code?.startsWith('TA_') ?? false;
}
