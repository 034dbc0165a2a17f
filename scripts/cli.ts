import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type VerbSummary } from '../server/cli/program.ts';

/**
 * The verbs' summaries beside the compiled CLI (dist/server/verbs.json, written with it by
 * scripts/build/server.js): with them `tracearena --help` loads no verb. From the sources
 * (import.meta.dirname is scripts/) there are none, and the help loads every verb.
 */
function builtSummaries(): VerbSummary[] | undefined {
  try {
    return JSON.parse(
      readFileSync(join(import.meta.dirname, 'verbs.json'), 'utf8'),
    ) as VerbSummary[];
  } catch {
    return undefined;
  }
}

// A reader that closes the pipe early (`tracearena stats f.jsonl | head`) has all it wants: end
// quietly, as Unix tools do, instead of an unhandled EPIPE and its stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await runCli(process.argv.slice(2), builtSummaries());
process.exitCode = code;
