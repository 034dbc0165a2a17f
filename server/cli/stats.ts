import type { Command } from 'commander';
import { addReportOptions, parseReportFlags, type RawReportFlags } from '../reports/cli-options.ts';
import { FileRecordError } from '../files/record-error.ts';
import { noVerdictsReason, readJudgmentsFiles } from '../reports/read-judgments.ts';
import { CliError } from './common.ts';
import { createProgress } from './progress.ts';
import { writeReport } from './report-output.ts';

export function register(program: Command): void {
  addReportOptions(
    program
      .command('stats')
      .description(
        'Win rates, intervals, ranking, agreement and bias from judgments files (JSONL, CSV, AlpacaEval annotation JSON, Chatbot Arena battles, MT-Bench or Arena-Hard judgments), without a database',
      )
      .argument('<files...>', 'judgments files')
      .option(
        '--arena-hard-baseline <model>',
        'the baseline of Arena-Hard judgments that do not name one (arena-hard-v0.1: gpt-4-0314)',
      ),
  ).action(async (files: string[], flags: RawReportFlags & { arenaHardBaseline?: string }) => {
    const parsed = parseReportFlags(flags);
    if ('error' in parsed) throw new CliError(parsed.error, 2);
    const arenaHardBaseline = flags.arenaHardBaseline?.trim();
    if (arenaHardBaseline === '')
      throw new CliError(
        `option '--arena-hard-baseline': expected a non-empty name, got '${flags.arenaHardBaseline}'`,
        2,
      );
    let table;
    try {
      const progress = createProgress({ label: 'reading', total: 1 });
      try {
        table = await readJudgmentsFiles(files, {
          base: parsed.options.base,
          arenaHardBaseline,
          onProgress: (done, total) => {
            progress.setTotal(total);
            progress.update(done);
          },
        });
      } finally {
        progress.stop();
      }
    } catch (err) {
      if (err instanceof FileRecordError) throw new CliError(err.message, 2);
      if (err instanceof Error && 'code' in err && err.code === 'ENOENT')
        throw new CliError(
          `${(err as Error & { path?: string }).path ?? files.join(', ')}: no such file`,
          2,
        );
      throw err;
    }
    // an empty report with exit 0 looked like a result (an AlpacaEval reference model's own file)
    const nothing = noVerdictsReason(table, files);
    if (nothing) throw new CliError(nothing, 2);
    await writeReport(table, parsed, flags.out);
  });
}
