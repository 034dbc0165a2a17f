import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { databaseTarget, loadConfig, type Config } from './config.ts';
import { loggerOptions } from './logging.ts';
import { createDatabase, type Database } from './db/client.ts';
import { accountRoutes, judgeAdminRoutes, studyRoleRoutes } from './auth/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { allocationRoutes } from './judging/allocation-routes.ts';
import { exportRoutes } from './exports/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { imageRoutes } from './images/routes.ts';
import { importRoutes, itemRoutes } from './imports/routes.ts';
import { integrityRoutes } from './integrity/routes.ts';
import { judgingRoutes } from './judging/routes.ts';
import { pairingRoutes } from './pairing/routes.ts';
import { qualificationAdminRoutes, qualificationJudgeRoutes } from './qualification/routes.ts';
import { authPlugin } from './plugins/auth.ts';
import { dbPlugin } from './plugins/db.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { reportRoutes } from './reports/routes.ts';
import { studyRoutes } from './studies/routes.ts';
import { webPlugin } from './web/plugin.ts';
import { rateLimitPlugin } from './web/rate-limit.ts';
import { DOCS_CSP, securityHeadersPlugin } from './web/security-headers.ts';
import { dashboardRoutes, WEBSOCKET_MAX_PAYLOAD } from './dashboard/routes.ts';
import { liveHubPlugin } from './dashboard/hub-plugin.ts';
import { llmRunRoutes } from './llm/routes.ts';
import { planPowerRoutes, planRoutes } from './plan/routes.ts';

export interface BuildAppOptions {
  config?: Config;
  /** An open database; when absent the app opens (and later closes) the one the config names. */
  database?: Database;
  logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

/** Builds the whole app without listening: used by the entry point, the CLI and the tests. */
export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const config = options.config ?? loadConfig();
  const database = options.database ?? (await createDatabase(databaseTarget(config)));

  const app = Fastify({
    logger: options.logger ?? loggerOptions(config),
    // The default for every route without its own: admin JSON (100,000-character guidelines or an
    // LLM template are at most ~600 KB even with every character escaped). Judge routes take 64 KiB
    // (server/judging/routes.ts); the import route streams its upload with its own limits.
    bodyLimit: 1024 * 1024,
    // The router's own errors echo the decoded path (a %0A made a multi-line message): answer
    // them in the API's shape with a fixed one-line message instead.
    frameworkErrors: (err, _request, reply) => {
      void (reply as FastifyReply).code(err.statusCode ?? 400).send({
        code: err.code,
        message:
          err.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? 'a path segment is longer than 100 characters'
            : 'the URL path is not valid (a malformed %-escape?)',
      });
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);

  await app.register(dbPlugin, { database, owned: options.database === undefined });
  await app.register(errorHandlerPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(rateLimitPlugin);
  await app.register(authPlugin);
  await app.register(swagger, {
    openapi: { info: { title: 'TraceArena', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  await app.register(websocket, { options: { maxPayload: WEBSOCKET_MAX_PAYLOAD } });

  // The map of the API.
  await app.register(healthRoutes, { prefix: '/api' });
  await app.register(studyRoutes, { prefix: '/api/studies' });
  await app.register(judgeAdminRoutes, { prefix: '/api/studies' });
  await app.register(studyRoleRoutes, { prefix: '/api/studies' });
  await app.register(accountRoutes, { prefix: '/api/accounts' });
  await app.register(importRoutes, { prefix: '/api/studies' });
  await app.register(pairingRoutes, { prefix: '/api/studies' });
  await app.register(integrityRoutes, { prefix: '/api/studies' });
  await app.register(judgingRoutes, { prefix: '/api/judge' });
  await app.register(qualificationJudgeRoutes, { prefix: '/api/judge' });
  await app.register(qualificationAdminRoutes, { prefix: '/api/studies' });
  await app.register(imageRoutes, { prefix: '/api/images' });
  await app.register(itemRoutes, { prefix: '/api/studies' });
  await app.register(reportRoutes, { prefix: '/api/studies' });
  await app.register(exportRoutes, { prefix: '/api/studies' });
  await app.register(auditRoutes, { prefix: '/api/studies' });
  await app.register(allocationRoutes, { prefix: '/api/studies' });
  await app.register(llmRunRoutes, { prefix: '/api/studies' });
  await app.register(planRoutes, { prefix: '/api/studies' });
  await app.register(planPowerRoutes, { prefix: '/api/plan' });
  await app.register(liveHubPlugin);
  await app.register(dashboardRoutes, { prefix: '/api/studies' });
  await app.register(webPlugin);

  return app;
}
