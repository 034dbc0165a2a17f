import type { Command } from 'commander';
import { addReportOptions, parseReportFlags, type RawReportFlags } from '../reports/cli-options.ts';
import { addDbOptions, CliError, requireStudy, withDatabase, type DbOptions } from './common.ts';
import { writeReport } from './report-output.ts';

export function register(program: Command): void {
  addReportOptions(
    addDbOptions(
      program
        .command('report')
        .description(
          "Win rates, intervals, ranking, agreement and bias over a study's verdicts (the same report as `stats` on its export)",
        )
        .requiredOption('--study <name>', 'study name'),
    ),
  ).action(async (flags: RawReportFlags & DbOptions & { study: string }) => {
    const parsed = parseReportFlags(flags);
    if ('error' in parsed) throw new CliError(parsed.error, 2);
    // the database is closed before the report is computed
    const table = await withDatabase(flags, async (database) => {
      const study = await requireStudy(database, flags.study);
      const { exportJudgments } = await import('../exports/service.ts');
      const { tableFromJudgments } = await import('../reports/load-study.ts');
      try {
        return await tableFromJudgments(exportJudgments(database.db, { studyId: study.id }), {
          base: parsed.options.base,
        });
      } catch (err) {
        if (err instanceof RangeError) throw new CliError(err.message, 2);
        throw err;
      }
    });
    await writeReport(table, parsed, flags.out);
  });
}
