import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/connection-errors.ts';
import { Errors, hasRegisteredCode } from '../errors.ts';

/** What a 503 asks clients to wait while the database restarts (the judge page has its own backoff). */
export const RETRY_AFTER_SECONDS = 2;

/** One line naming the first problem's field, e.g. `body.note: contains U+0000 (NUL) at character 2`. */
function describeValidation(
  context: string | undefined,
  issues: ReadonlyArray<{ instancePath: string; message?: string | undefined }>,
): string {
  const [first] = issues;
  if (!first) return 'the request does not match the expected shape';
  const field = [context, ...first.instancePath.split('/').filter(Boolean)].filter(Boolean);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const line = `the request does not match the expected shape: ${field.join('.')}: ${first.message ?? 'invalid'}${more}`;
  // Field names and messages may echo client text: keep the message on one line.
  return line.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A 500 that tells the client nothing and logs the error once, at error level, with its code. */
function internal(request: FastifyRequest, reply: FastifyReply, err: unknown, why: string) {
  const e = new Errors.Internal();
  request.log.error({ code: e.code, err }, why);
  return reply.code(e.statusCode).send({ code: e.code, message: e.message });
}

/** Validation → 400 with the issues; coded errors → their status; anything else → 500 without internals. */
export const errorHandlerPlugin = fp(
  async (app) => {
    app.setErrorHandler((err, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const invalid = new Errors.Validation(
          describeValidation(err.validationContext, err.validation),
        );
        return reply.code(invalid.statusCode).send({
          code: invalid.code,
          message: invalid.message,
          issues: err.validation.map((v) => ({ path: v.instancePath, message: v.message })),
        });
      }
      if (isResponseSerializationError(err))
        return internal(request, reply, err, 'response failed its schema');
      const e = err as { statusCode?: number; code?: string; message: string };
      if (hasRegisteredCode(e) && e.statusCode) {
        return reply.code(e.statusCode).send({ code: e.code, message: e.message });
      }
      if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
        return reply
          .code(e.statusCode)
          .send({ code: e.code ?? Errors.BadRequest.code, message: e.message });
      }
      if (isDatabaseUnavailable(err)) {
        const unavailable = new Errors.DatabaseUnavailable();
        request.log.warn({ code: unavailable.code, err }, 'database unavailable');
        return reply
          .code(unavailable.statusCode)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send({ code: unavailable.code, message: unavailable.message });
      }
      return internal(request, reply, err, 'unhandled error');
    });
    app.setNotFoundHandler((_request, reply) =>
      reply.code(404).send({ code: Errors.NotFound.code, message: 'not found' }),
    );
  },
  { name: 'error-handler' },
);
