import createError from '@fastify/error';
import { ErrorCode } from '../shared/error-codes.ts';

/**
 * A registered error, its code also readable without building one (`Errors.NotFound.code`) for
 * the places that send or log a code without throwing: log lines, websocket messages.
 */
function coded<C extends string, S extends number>(code: C, message: string, statusCode: S) {
  return Object.assign(createError(code, message, statusCode), { code });
}

/** The one registry of coded errors: clients branch on `code`, never on the message. */
export const Errors = {
  Unauthorized: coded(ErrorCode.Unauthorized, 'missing or invalid token', 401),
  Forbidden: coded(ErrorCode.Forbidden, '%s', 403),
  InviteRevoked: coded(ErrorCode.InviteRevoked, 'this invite has been revoked', 401),
  NotFound: coded(ErrorCode.NotFound, '%s not found', 404),
  StudyExists: coded(ErrorCode.StudyExists, "a study named '%s' already exists", 409),
  VerdictConflict: coded(
    ErrorCode.VerdictConflict,
    'a different verdict was already recorded for this assignment',
    409,
  ),
  /** A skip of a comparison the judge has answered: the verdict stands. */
  AlreadyJudged: coded(
    ErrorCode.AlreadyJudged,
    'your verdict on this comparison is recorded: it cannot be skipped now',
    409,
  ),
  LeaseLost: coded(
    ErrorCode.LeaseLost,
    'this assignment is not leased to you: its lease expired and another judge took it, or it was never yours',
    410,
  ),
  BadVerdict: coded(ErrorCode.BadVerdict, '%s', 400),
  BadRequest: coded(ErrorCode.BadRequest, '%s', 400),
  /** A request that does not match its route's schema; the body also lists the issues. */
  Validation: coded(ErrorCode.Validation, '%s', 400),
  ImportBadRecord: coded(ErrorCode.ImportBadRecord, '%s', 422),
  ImportTooLarge: coded(ErrorCode.ImportTooLarge, '%s', 413),
  LlmRunActive: coded(ErrorCode.LlmRunActive, 'this run is already running in this server', 409),
  /** A base URL or key variable outside the server's TRACEARENA_LLM_ENDPOINTS / _KEY_ENVS. */
  LlmNotAllowed: coded(ErrorCode.LlmNotAllowed, '%s', 400),
  LlmKeyMissing: coded(ErrorCode.LlmKeyMissing, '%s', 400),
  PairingInvalid: coded(ErrorCode.PairingInvalid, '%s', 422),
  /** A second lock of a study's analysis plan: a locked plan never changes (docs/plan.md). */
  PlanLocked: coded(ErrorCode.PlanLocked, '%s', 409),
  /** A plan locked after the first verdict, without force. */
  PlanJudgingStarted: coded(ErrorCode.PlanJudgingStarted, '%s', 409),
  PlanInvalid: coded(ErrorCode.PlanInvalid, '%s', 422),
  /** The database is restarting or unreachable: transient, sent with Retry-After. */
  DatabaseUnavailable: coded(
    ErrorCode.DatabaseUnavailable,
    'the database is unavailable; retry in a few seconds',
    503,
  ),
  /** Over the per-token or per-address limit (server/web/rate-limit.ts); sent with Retry-After. */
  RateLimited: coded(ErrorCode.RateLimited, 'too many requests; retry in %s s', 429),
  /** Anything unexpected: the client learns nothing more, the log gets the error. */
  Internal: coded(ErrorCode.Internal, 'internal error', 500),
} as const;

const registered = new Set<string>(Object.values(ErrorCode));

/** Whether an error carries one of the registry's codes: it is sent as it is. */
export function hasRegisteredCode(err: { code?: string }): boolean {
  return err.code !== undefined && registered.has(err.code);
}
