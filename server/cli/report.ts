import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { buildReport } from '../reports/build-report.ts';
import { addReportOptions, parseReportFlags, type RawReportFlags } from '../reports/cli-options.ts';
import { formatReport } from '../reports/format.ts';
import { loadStudyJudgments, tableFromJudgments } from '../reports/load-study.ts';
import { addDbOptions, CliError, requireStudy, withDatabase, type DbOptions } from './common.ts';

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
    const text = await withDatabase(flags, async (database) => {
      await requireStudy(database, flags.study);
      const judgments = await loadStudyJudgments(database.db, { studyName: flags.study });
      if (!judgments) throw new CliError(`no study named '${flags.study}'`, 2);
      const table = await tableFromJudgments(judgments, { base: parsed.options.base });
      let report;
      try {
        report = buildReport(table, parsed.options);
      } catch (err) {
        if (err instanceof RangeError) throw new CliError(err.message, 2);
        throw err;
      }
      return await formatReport(report, parsed.format);
    });
    if (flags.out) await writeFile(flags.out, text);
    else process.stdout.write(text);
  });
}
