import { runCli } from '../server/cli/program.ts';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
