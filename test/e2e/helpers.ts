import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { createAdminToken } from '../../server/auth/repository.ts';
import { loadConfig } from '../../server/config.ts';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { teardown } from '../helpers/teardown.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(repo, 'test/e2e/artifacts');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The e2e tests drive the built client; `npm test` builds it first. Fail loudly otherwise. */
export function requireBuiltClient(): void {
  const index = join(repo, 'dist/client/index.html');
  if (!existsSync(index)) {
    throw new Error(
      'dist/client is missing: run `npm run build` (or `npm test`, which builds first) before the e2e tests',
    );
  }
  if (newestMtime(join(repo, 'client')) > statSync(index).mtimeMs) {
    throw new Error('dist/client is older than client/: run `npm run build` before the e2e tests');
  }
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

export interface E2eServer {
  app: FastifyInstance;
  tdb: TestDatabase;
  baseUrl: string;
  adminToken: string;
  close(): Promise<void>;
}

/** The real app on a real port, on PostgreSQL when reachable (as in CI), else PGlite. */
export async function startServer(env: NodeJS.ProcessEnv = {}): Promise<E2eServer> {
  const backend = backends().includes('postgres') ? 'postgres' : 'pglite';
  const tdb = await openTestDatabase(backend);
  const app = await buildApp({ database: tdb, logger: false, config: loadConfig(env) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const adminToken = await createAdminToken(tdb.db);
  return {
    app,
    tdb,
    baseUrl: `http://127.0.0.1:${port}`,
    adminToken,
    async close() {
      await app.close();
      await tdb.destroy();
    },
  };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** The real server and Chromium for one test file: started before its tests, stopped after. */
export function useServerAndBrowser(): { readonly server: E2eServer; readonly browser: Browser } {
  const env = {} as { server: E2eServer; browser: Browser };
  beforeAll(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  afterAll(() =>
    teardown([
      { name: 'closing Chromium', run: () => env.browser?.close() },
      {
        name: 'closing the server and its database',
        run: () => env.server?.close(),
        critical: true,
      },
    ]),
  );
  return env;
}
