import fp from 'fastify-plugin';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';

/** Validation → 400 with the issues; coded errors → their status; anything else → 500 without internals. */
export const errorHandlerPlugin = fp(
  async (app) => {
    app.setErrorHandler((err, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        return reply.code(400).send({
          code: 'TA_VALIDATION',
          message: 'the request does not match the expected shape',
          issues: err.validation.map((v) => ({ path: v.instancePath, message: v.message })),
        });
      }
      if (isResponseSerializationError(err)) {
        request.log.error({ err }, 'response failed its schema');
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
      request.log.error({ err }, 'unhandled error');
      return reply.code(500).send({ code: 'TA_INTERNAL', message: 'internal error' });
    });
    app.setNotFoundHandler((_request, reply) =>
      reply.code(404).send({ code: 'TA_NOT_FOUND', message: 'not found' }),
    );
  },
  { name: 'error-handler' },
);
