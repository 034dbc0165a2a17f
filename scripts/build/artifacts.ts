/**
 * What the build makes beside the compiled CLI, from the compiled code itself (an entry of the
 * bundle, dist/server/artifacts.js, called by scripts/build/server.js): the verbs' summaries for
 * the top-level help, and the migrated PGlite template that a fresh data folder starts from.
 */
import { createDatabase } from '../../server/db/client.ts';
import { buildTemplate } from '../../server/db/pglite-template.ts';

export { verbSummaries } from '../../server/cli/program.ts';

/** Makes the PGlite template of the current migrations, unless it exists; returns its folder. */
export function makePgliteTemplate(): Promise<string> {
  return buildTemplate(async (dataDir) => {
    const database = await createDatabase({ dataDir });
    await database.close();
  });
}
