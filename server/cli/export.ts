import type { Command } from 'commander';
import { exportJudgments } from '../exports/service.ts';
import { addDbOptions, addServerOptions, jsonLines, writeLines, type DbOptions } from './common.ts';
import { onStudy, responseLines, serverRequest } from './running-server.ts';

export function register(program: Command): void {
  addServerOptions(
    addDbOptions(
      program
        .command('export')
        .description('write every verdict of a study as a judgments file (JSONL)')
        .requiredOption('--study <name>', 'study name')
        .option(
          '--adjudicated',
          "each adjudicated comparison's final verdict instead of its judges' verdicts, as `report --adjudicated` counts them (docs/qualification.md)",
        )
        .option('--out <file>', 'output file (default: standard output)'),
    ),
  ).action((opts: { study: string; out?: string; adjudicated?: boolean } & DbOptions) => {
    const to = { out: opts.out, noun: 'verdicts' };
    const adjudicated = opts.adjudicated === true;
    // through a server (--server, or the one holding the embedded database): the same file
    return onStudy(opts, opts.study, {
      server: async (server, studyId) =>
        writeLines(
          responseLines(
            await serverRequest(
              server,
              `/api/studies/${studyId}/export${adjudicated ? '?adjudicated=true' : ''}`,
            ),
          ),
          to,
        ),
      database: ({ db }, study) =>
        writeLines(jsonLines(exportJudgments(db, { studyId: study.id, adjudicated })), to),
    });
  });
}
