import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { exportJudgments } from '../exports/service.ts';
import {
  addDbOptions,
  addServerOptions,
  configFromOptions,
  requireStudy,
  withDatabase,
  type DbOptions,
} from './common.ts';
import { responseLines, runningServer, serverRequest, studyIdOnServer } from './running-server.ts';

export function register(program: Command): void {
  addServerOptions(
    addDbOptions(
      program
        .command('export')
        .description('write every verdict of a study as a judgments file (JSONL)')
        .requiredOption('--study <name>', 'study name')
        .option('--out <file>', 'output file (default: standard output)'),
    ),
  ).action(async (opts: { study: string; out?: string } & DbOptions) => {
    const write = async (lines: AsyncIterable<string>) => {
      const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
      let n = 0;
      for await (const line of lines) {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
        n++;
      }
      if (opts.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`exported ${n} verdicts to ${opts.out}\n`);
      }
    };
    // A server holding the embedded database: the same file through its API.
    const server = runningServer(configFromOptions(opts), opts);
    if (server) {
      const studyId = await studyIdOnServer(server, opts.study);
      return write(responseLines(await serverRequest(server, `/api/studies/${studyId}/export`)));
    }
    await withDatabase(opts, async (database) => {
      const study = await requireStudy(database, opts.study);
      async function* lines() {
        for await (const record of exportJudgments(database.db, { studyId: study.id }))
          yield JSON.stringify(record);
      }
      await write(lines());
    });
  });
}
