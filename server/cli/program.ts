import { Command, CommanderError } from 'commander';
import { CliError } from './common.ts';

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
};

export async function buildProgram(verb?: string): Promise<Command> {
  const program = new Command('tracearena')
    .description('Blind pairwise preference studies of reasoning traces, with honest statistics.')
    .showHelpAfterError()
    .exitOverride();
  const only =
    verb !== undefined && Object.hasOwn(verbs, verb) ? [verbs[verb]!] : Object.values(verbs);
  for (const load of only) (await load()).register(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[0]);
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
    process.stderr.write(`tracearena: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
