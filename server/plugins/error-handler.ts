import fp from 'fastify-plugin';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/connection-errors.ts';
import { Errors } from '../errors.ts';

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

/** Validation → 400 with the issues; coded errors → their status; anything else → 500 without internals. */
export const errorHandlerPlugin = fp(
  async (app) => {
    app.setErrorHandler((err, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        return reply.code(400).send({
          code: 'TA_VALIDATION',
          message: describeValidation(err.validationContext, err.validation),
          issues: err.validation.map((v) => ({ path: v.instancePath, message: v.message })),
        });
      }
      if (isResponseSerializationError(err)) {
        request.log.error({ code: 'TA_INTERNAL', err }, 'response failed its schema');
        return reply.code(500).send({ code: 'TA_INTERNAL', message: 'internal error' });
      }
      const e = err as { statusCode?: number; code?: string; message: string };
      if (e.code?.startsWith('TA_') && e.statusCode) {
        return reply.code(e.statusCode).send({ code: e.code, message: e.message });
      }
      if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
        return reply
          .code(e.statusCode)
          .send({ code: e.code ?? 'TA_BAD_REQUEST', message: e.message });
      }
      if (isDatabaseUnavailable(err)) {
        const unavailable = new Errors.DatabaseUnavailable();
        request.log.warn({ code: unavailable.code, err }, 'database unavailable');
        return reply
          .code(unavailable.statusCode)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send({ code: unavailable.code, message: unavailable.message });
      }
      request.log.error({ code: 'TA_INTERNAL', err }, 'unhandled error');
      return reply.code(500).send({ code: 'TA_INTERNAL', message: 'internal error' });
    });
    app.setNotFoundHandler((_request, reply) =>
      reply.code(404).send({ code: 'TA_NOT_FOUND', message: 'not found' }),
    );
  },
  { name: 'error-handler' },
);
