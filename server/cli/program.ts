import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.ts';

type Register = (program: Command) => void;

/**
 * Each verb lives in its own module exporting `register`; this record is the map of the CLI.
 * Only the verb being run is loaded (the modules pull in the server, the statistics, the LLM
 * SDKs…); the top-level help loads them all.
 */
const verbs: Record<string, () => Promise<{ register: Register }>> = {
  serve: () => import('./serve.ts'),
  demo: () => import('./demo.ts'),
  import: () => import('./import.ts'),
  pair: () => import('./pair.ts'),
  invite: () => import('./invite.ts'),
  export: () => import('./export.ts'),
  judge: () => import('./judge.ts'),
  report: () => import('./report.ts'),
  stats: () => import('./stats.ts'),
  plan: () => import('./plan.ts'),
  scan: () => import('./scan.ts'),
  audit: () => import('./audit.ts'),
  user: () => import('./user.ts'),
};

/**
 * What the top-level help shows of a verb (its term, e.g. `import [options] <file>`, and its
 * description), so that `tracearena --help` can list the verbs without loading them. The compiled
 * CLI carries them (dist/server/verbs.json, written by scripts/build/server.js from
 * `verbSummaries`); from the sources every verb is loaded instead.
 */
export interface VerbSummary {
  name: string;
  term: string;
  description: string;
}

/**
 * Refuses an `--out` that cannot be written (bad input, exit 2) before the verb does any work, so
 * a long `stats` run does not end in a raw ENOENT: a directory, a missing directory, a file in the
 * directory's place.
 */
export function checkOutPath(out: string): void {
  const dir = dirname(out);
  let target;
  let parent;
  try {
    target = statSync(out, { throwIfNoEntry: false });
    parent = statSync(dir, { throwIfNoEntry: false });
  } catch {
    // ENOTDIR: a file stands where a directory of the path should be
    throw new CliError(`--out '${out}': the path goes through a file, not a directory`, 2);
  }
  if (target?.isDirectory()) throw new CliError(`--out '${out}': is a directory`, 2);
  // (a parent that is a file made the first stat fail with ENOTDIR, above)
  if (!parent) throw new CliError(`--out '${out}': no such directory '${dir}'`, 2);
}

export async function buildProgram(verb?: string, summaries?: VerbSummary[]): Promise<Command> {
  const program = new Command('tracearena')
    .description('Blind pairwise preference studies of reasoning traces, with honest statistics.')
    .showHelpAfterError()
    .exitOverride()
    .hook('preAction', (_program, action) => {
      const out: unknown = action.opts().out;
      if (typeof out === 'string') checkOutPath(out);
    });
  if (verb !== undefined && Object.hasOwn(verbs, verb)) {
    (await verbs[verb]!()).register(program);
  } else if (summaries && summaries.map((s) => s.name).join() === Object.keys(verbs).join()) {
    // No verb named: the help (or an unknown command's error) lists the verbs by their summaries.
    const terms = new Map(summaries.map((s) => [s.name, s.term]));
    const plain = program.createHelp();
    for (const s of summaries) program.command(s.name).description(s.description);
    program.configureHelp({
      subcommandTerm: (cmd) => terms.get(cmd.name()) ?? plain.subcommandTerm(cmd),
    });
  } else {
    for (const load of Object.values(verbs)) (await load()).register(program);
  }
  return program;
}

/** The summaries of every verb, as the top-level help shows them (built into dist/server/verbs.json). */
export async function verbSummaries(): Promise<VerbSummary[]> {
  const program = await buildProgram();
  const help = program.createHelp();
  return program.commands
    .filter((cmd) => Object.hasOwn(verbs, cmd.name()))
    .map((cmd) => ({
      name: cmd.name(),
      term: help.subcommandTerm(cmd),
      description: help.subcommandDescription(cmd),
    }));
}

export async function runCli(argv: string[], summaries?: VerbSummary[]): Promise<number> {
  // `help VERB` loads that verb alone, as `VERB --help` does.
  const verb = argv[0] === 'help' && argv[1] !== undefined ? argv[1] : argv[0];
  const program = await buildProgram(verb, summaries);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`tracearena: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`tracearena: ${errorLine(err)}\n`);
    // a refusal of the service (a name taken, an unknown account: its 4xx) is the user's input: 2
    const status = (err as { statusCode?: unknown } | null)?.statusCode;
    return typeof status === 'number' && status >= 400 && status < 500 ? 2 : 1;
  }
}

/** Most characters of an unexpected error's line (a failed query's text carries every parameter). */
const MAX_ERROR_LINE = 1_000;

/**
 * An unexpected error as one line: a failed query by the database's own reason (drizzle's message
 * is the whole statement and its parameters: 2.9 MB of image bytes on one import), anything else
 * by its message's first line, at most MAX_ERROR_LINE characters.
 */
export function errorLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, MAX_ERROR_LINE);
  const cause = err.cause instanceof Error ? err.cause.message : null;
  const text =
    err.message.startsWith('Failed query:') && cause ? `database error: ${cause}` : err.message;
  const line = text.split('\n', 1)[0] as string;
  return line.length > MAX_ERROR_LINE ? `${line.slice(0, MAX_ERROR_LINE)}…` : line;
}
