import type { Command } from 'commander';
import { Errors } from '../errors.ts';
import { pairStudy } from '../pairing/service.ts';
import { pairBodySchema, pairResultSchema } from '../../shared/admin-api.ts';
import {
  addDbOptions,
  addServerOptions,
  CliError,
  parseIntOption,
  type DbOptions,
} from './common.ts';
import { onStudy, serverRequest } from './running-server.ts';

export function register(program: Command): void {
  addServerOptions(
    addDbOptions(
      program
        .command('pair')
        .description('create blind comparisons (left/right drawn per assignment from the seed)')
        .requiredOption('--study <name>', 'study name')
        .option('--base <system>', "the base system (default: the system named 'base')")
        .option(
          '--all-pairs',
          'compare every pair of systems, not only candidates against the base',
        )
        .option(
          '--sample <n>',
          'compare only N items, drawn from the seed',
          parseIntOption('--sample', 1),
        )
        .option(
          '--judges-per-comparison <k>',
          'judging slots per comparison (default: the study setting)',
          parseIntOption('--judges-per-comparison', 1),
        )
        .option(
          '--seed <seed>',
          "seed for sampling, sides and queue order (default: the study's last plan's, else a random one; keep it from judges)",
        ),
    ),
  ).action(
    async (
      opts: {
        study: string;
        base?: string;
        allPairs?: boolean;
        sample?: number;
        judgesPerComparison?: number;
        seed?: string;
      } & DbOptions,
    ) => {
      const body = pairBodySchema.parse({
        base: opts.base,
        allPairs: opts.allPairs ?? false,
        sample: opts.sample,
        judgesPerComparison: opts.judgesPerComparison,
        seed: opts.seed,
      });
      const result = await onStudy(opts, opts.study, {
        server: async (server, studyId) =>
          pairResultSchema.parse(
            await (
              await serverRequest(server, `/api/studies/${studyId}/pairings`, {
                method: 'POST',
                body,
              })
            ).json(),
          ),
        database: ({ db }, study) =>
          pairStudy(db, study.id, body, 'cli').catch((err: unknown) => {
            if (err instanceof Errors.PairingInvalid) throw new CliError(err.message, 2);
            throw err;
          }),
      });
      {
        const pairs = result.pairs.map((p) => `${p.a} vs ${p.b}`).join(', ');
        process.stdout.write(
          `paired ${pairs}: ${result.comparisonsCreated} new comparisons (${result.comparisonsExisting} existing), ` +
            `${result.assignmentsCreated} new assignments, seed '${result.seed}'\n`,
        );
        for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      }
    },
  );
}
