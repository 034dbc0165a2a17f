import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { createAdminToken } from '../../server/auth/service.ts';
import { loadConfig } from '../../server/config.ts';
import { openTestDatabase, type Backend, type TestDatabase } from './db.ts';

export interface TestApp {
  readonly tdb: TestDatabase;
  readonly app: FastifyInstance;
  /** A server-admin's token. */
  readonly admin: string;
  /** A request with `token` as its bearer token (a payload only when given). */
  req(
    token: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
}

/**
 * A migrated database of `backend`, the app built on it by the one factory, and a server-admin
 * token, for one test file's describe block: made before its tests, closed after.
 */
export function useTestApp(backend: Backend): TestApp {
  const env = {} as { tdb: TestDatabase; app: FastifyInstance; admin: string };
  beforeAll(async () => {
    env.tdb = await openTestDatabase(backend);
    env.app = await buildApp({ database: env.tdb, logger: false, config: loadConfig({}) });
    env.admin = await createAdminToken(env.tdb.db);
  });
  afterAll(async () => {
    await env.app?.close();
    await env.tdb?.destroy();
  });
  return {
    get tdb() {
      return env.tdb;
    },
    get app() {
      return env.app;
    },
    get admin() {
      return env.admin;
    },
    req: (token, method, url, payload) =>
      env.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
      }),
  };
}
