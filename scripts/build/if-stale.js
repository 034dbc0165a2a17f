// `npm start` and `npm run demo`: builds the client and the server only when their sources
// changed since the last build, so an unchanged checkout starts without rebuilding anything.
import { join } from 'node:path';
import {
  CLIENT_OUTPUT,
  CLIENT_SOURCES,
  isFresh,
  repoRoot,
  SERVER_OUTPUT,
  SERVER_SOURCES,
} from './freshness.js';
import { buildServer } from './server.js';

if (!isFresh(CLIENT_OUTPUT, CLIENT_SOURCES)) {
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'error' });
}
if (!isFresh(SERVER_OUTPUT, SERVER_SOURCES)) await buildServer();
