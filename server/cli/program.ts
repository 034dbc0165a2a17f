import { Command, CommanderError } from 'commander';
import { CliError } from './common.ts';

type Register = (program: Command) => void;

/** Each verb lives in its own module exporting `register`; this list is the map of the CLI. */
const verbs: Array<() => Promise<{ register: Register }>> = [
  () => import('./serve.ts'),
  () => import('./demo.ts'),
  () => import('./import.ts'),
  () => import('./pair.ts'),
  () => import('./invite.ts'),
  () => import('./export.ts'),
  () => import('./judge.ts'),
  () => import('./report.ts'),
  () => import('./stats.ts'),
];

export async function buildProgram(): Promise<Command> {
  const program = new Command('tracearena')
    .description('Blind pairwise preference studies of reasoning traces, with honest statistics.')
    .showHelpAfterError()
    .exitOverride();
  for (const load of verbs) (await load()).register(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram();
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
