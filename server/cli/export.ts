import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { exportJudgments } from '../exports/service.ts';
import { addDbOptions, requireStudy, withDatabase } from './common.ts';

export function register(program: Command): void {
  addDbOptions(
    program
      .command('export')
      .description('write every verdict of a study as a judgments file (JSONL)')
      .requiredOption('--study <name>', 'study name')
      .option('--out <file>', 'output file (default: standard output)'),
  ).action(async (opts: { study: string; out?: string; data?: string; databaseUrl?: string }) => {
    await withDatabase(opts, async (database) => {
      const study = await requireStudy(database, opts.study);
      const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
      let n = 0;
      for await (const record of exportJudgments(database.db, { studyId: study.id })) {
        if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
        n++;
      }
      if (opts.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`exported ${n} verdicts to ${opts.out}\n`);
      }
    });
  });
}
