/**
 * A migrated PGlite data folder, made once at build time (`npm run build`, `npm install`, through
 * scripts/build/server.js) and copied into a fresh `--data` folder: PGlite's `initdb` plus the
 * migrations take 8–16 s on this project's 2-core machine, a copy of the 40 MB template and an
 * open ~1.5 s.
 *
 * A template is keyed by the PGlite version and a hash of the migrations, so a template made
 * before a migration was added or changed (or for another PGlite) is never used: the folder is
 * then initialised and migrated as before. Each key has its own folder, written elsewhere and
 * renamed into place whole, and never changed afterwards: a process copying it cannot see half
 * of one.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));
const templatesFolder = fileURLToPath(new URL('../../dist/pglite-template', import.meta.url));

function pgliteVersion(): string {
  // The package's exports hide its package.json: found beside the resolved entry (dist/…).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** The key of the template the current migrations and PGlite would make. */
export function templateKey(): string {
  const hash = createHash('sha256').update(`pglite ${pgliteVersion()}\n`);
  const files = [
    'meta/_journal.json',
    ...readdirSync(migrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .sort(),
  ];
  for (const file of files)
    hash.update(`${file}\n`).update(readFileSync(join(migrationsFolder, file)));
  return hash.digest('hex').slice(0, 16);
}

/** True when `dataDir` holds no database yet (no PG_VERSION: nothing initialised). */
export function isFreshDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Copies the current template into `dataDir` (which must hold no database yet). Returns false,
 * copying nothing, when no template matches the current migrations and PGlite.
 */
export function copyTemplate(dataDir: string): boolean {
  const source = join(templatesFolder, templateKey());
  if (!existsSync(join(source, 'PG_VERSION'))) return false;
  cpSync(source, dataDir, { recursive: true });
  return true;
}

/**
 * Makes the template for the current migrations and PGlite, unless it exists, and removes the
 * others. `migrateFolder` initialises and migrates a PGlite folder (the one migration path of
 * db/client.ts). Returns the template's folder.
 */
export async function buildTemplate(
  migrateFolder: (dataDir: string) => Promise<void>,
): Promise<string> {
  const key = templateKey();
  const target = join(templatesFolder, key);
  if (!existsSync(join(target, 'PG_VERSION'))) {
    const work = join(templatesFolder, `.${key}-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    await migrateFolder(work);
    rmSync(target, { recursive: true, force: true });
    renameSync(work, target);
  }
  for (const entry of readdirSync(templatesFolder))
    if (entry !== key && !entry.startsWith('.'))
      rmSync(join(templatesFolder, entry), { recursive: true, force: true });
  return target;
}
