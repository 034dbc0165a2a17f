import type { Command } from 'commander';
import { addReportOptions, parseReportFlags, type RawReportFlags } from '../reports/cli-options.ts';
import type { Judgment } from '../../shared/judgments.ts';
import {
  addDbOptions,
  CliError,
  configFromOptions,
  requireStudy,
  withDatabase,
  type DbOptions,
} from './common.ts';
import { responseLines, runningServer, serverRequest, studyIdOnServer } from './running-server.ts';
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
    // A server holding the embedded database: its export, through its API (the same records).
    const server = runningServer(configFromOptions(flags));
    if (server) {
      const studyId = await studyIdOnServer(server, flags.study);
      const res = await serverRequest(server, `/api/studies/${studyId}/export`);
      const { tableFromVerdicts } = await import('../reports/load-study.ts');
      async function* judgments() {
        for await (const line of responseLines(res)) yield JSON.parse(line) as Judgment;
      }
      let table;
      try {
        table = await tableFromVerdicts(judgments(), { base: parsed.options.base });
      } catch (err) {
        if (err instanceof RangeError) throw new CliError(err.message, 2);
        throw err;
      }
      return writeReport(table, parsed, flags.out);
    }
    // the database is closed before the report is computed
    const table = await withDatabase(flags, async (database) => {
      const study = await requireStudy(database, flags.study);
      const { verdictRows } = await import('../readmodel/verdict-rows.ts');
      const { tableFromVerdicts } = await import('../reports/load-study.ts');
      try {
        return await tableFromVerdicts(verdictRows(database.db, { studyId: study.id }), {
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
