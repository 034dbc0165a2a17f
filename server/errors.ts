import createError from '@fastify/error';

/** The one registry of coded errors: clients branch on `code`, never on the message. */
export const Errors = {
  Unauthorized: createError('TA_UNAUTHORIZED', 'missing or invalid token', 401),
  Forbidden: createError('TA_FORBIDDEN', '%s', 403),
  InviteRevoked: createError('TA_INVITE_REVOKED', 'this invite has been revoked', 401),
  NotFound: createError('TA_NOT_FOUND', '%s not found', 404),
  StudyExists: createError('TA_STUDY_EXISTS', "a study named '%s' already exists", 409),
  VerdictConflict: createError(
    'TA_VERDICT_CONFLICT',
    'a different verdict was already recorded for this assignment',
    409,
  ),
  LeaseLost: createError(
    'TA_LEASE_LOST',
    'the lease on this assignment expired and it was taken by another judge',
    410,
  ),
  BadVerdict: createError('TA_BAD_VERDICT', '%s', 400),
  BadRequest: createError('TA_BAD_REQUEST', '%s', 400),
  ImportBadRecord: createError('TA_IMPORT_BAD_RECORD', '%s', 422),
  ImportTooLarge: createError('TA_IMPORT_TOO_LARGE', '%s', 413),
  LlmRunActive: createError('TA_LLM_RUN_ACTIVE', 'this run is already running in this server', 409),
  /** A base URL or key variable outside the server's TRACEARENA_LLM_ENDPOINTS / _KEY_ENVS. */
  LlmNotAllowed: createError('TA_LLM_NOT_ALLOWED', '%s', 400),
  LlmKeyMissing: createError('TA_LLM_KEY_MISSING', '%s', 400),
  PairingInvalid: createError('TA_PAIRING_INVALID', '%s', 422),
  /** The database is restarting or unreachable: transient, sent with Retry-After. */
  DatabaseUnavailable: createError(
    'TA_DB_UNAVAILABLE',
    'the database is unavailable; retry in a few seconds',
    503,
  ),
  /** Over the per-token or per-address limit (server/web/rate-limit.ts); sent with Retry-After. */
  RateLimited: createError('TA_RATE_LIMITED', 'too many requests; retry in %s s', 429),
} as const;
