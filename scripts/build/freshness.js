// Which built outputs are older than their sources. Plain JavaScript: bin/tracearena.js and the
// npm scripts read it before anything is compiled, so it must run on bare node.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What the compiled CLI is built from (scripts/cli.ts and everything it can import). */
export const SERVER_SOURCES = [
  'scripts/cli.ts',
  'server',
  'shared',
  'package.json',
  'package-lock.json',
];
export const SERVER_OUTPUT = 'dist/server/cli.js';

/** What dist/client is built from (the pages parse with shared/'s schemas). */
export const CLIENT_SOURCES = [
  'client',
  'shared',
  'vite.config.ts',
  'package.json',
  'package-lock.json',
];
export const CLIENT_OUTPUT = 'dist/client/index.html';

/** The newest modification time under a file or folder (0 when it does not exist). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `output` exists and no source is newer than it (paths relative to the repository). */
export function isFresh(output, sources) {
  const out = join(repoRoot, output);
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  return sources.every((source) => newestMtime(join(repoRoot, source)) <= built);
}
