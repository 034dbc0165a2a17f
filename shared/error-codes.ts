/**
 * Every error code the server sends (`code` in an error body). The server's registry
 * (server/errors.ts) builds its errors from these; the client branches on them, never on a message.
 */
export const ErrorCode = {
  Unauthorized: 'TA_UNAUTHORIZED',
  Forbidden: 'TA_FORBIDDEN',
  InviteRevoked: 'TA_INVITE_REVOKED',
  NotFound: 'TA_NOT_FOUND',
  StudyExists: 'TA_STUDY_EXISTS',
  VerdictConflict: 'TA_VERDICT_CONFLICT',
  AlreadyJudged: 'TA_ALREADY_JUDGED',
  LeaseLost: 'TA_LEASE_LOST',
  BadVerdict: 'TA_BAD_VERDICT',
  BadRequest: 'TA_BAD_REQUEST',
  Validation: 'TA_VALIDATION',
  ImportBadRecord: 'TA_IMPORT_BAD_RECORD',
  ImportTooLarge: 'TA_IMPORT_TOO_LARGE',
  LlmRunActive: 'TA_LLM_RUN_ACTIVE',
  LlmNotAllowed: 'TA_LLM_NOT_ALLOWED',
  LlmKeyMissing: 'TA_LLM_KEY_MISSING',
  PairingInvalid: 'TA_PAIRING_INVALID',
  PlanLocked: 'TA_PLAN_LOCKED',
  PlanJudgingStarted: 'TA_PLAN_JUDGING_STARTED',
  PlanInvalid: 'TA_PLAN_INVALID',
  DatabaseUnavailable: 'TA_DB_UNAVAILABLE',
  RateLimited: 'TA_RATE_LIMITED',
  Internal: 'TA_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
