#!/usr/bin/env node
// Launcher. Runs the compiled CLI (dist/server/, built by `npm run build` and `npm test`) when it
// is up to date with the sources: no TypeScript is compiled on start-up. Otherwise it runs the
// sources through tsx, in this same process, and says so in one line: a fresh clone works unbuilt.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { isFresh, repoRoot, SERVER_OUTPUT, SERVER_SOURCES } from '../scripts/build/freshness.js';

if (isFresh(SERVER_OUTPUT, SERVER_SOURCES)) {
  await import(pathToFileURL(join(repoRoot, SERVER_OUTPUT)).href);
} else {
  process.stderr.write(
    'tracearena: dist/server is missing or older than the sources; running them through tsx (`npm run build` compiles them)\n',
  );
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(repoRoot, 'scripts/cli.ts')).href);
}
