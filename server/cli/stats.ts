import type { Command } from 'commander';
import { addReportOptions, parseReportFlags, type RawReportFlags } from '../reports/cli-options.ts';
import { FileRecordError } from '../files/record-error.ts';
import { buildReport, buildReportHashingAside } from '../reports/build-report.ts';
import { noVerdictsReason, readJudgmentsFiles } from '../reports/read-judgments.ts';
import type { VerdictTable } from '../reports/verdict-table.ts';
import { CliError } from './common.ts';
import { createProgress } from './progress.ts';
import { readReplayed, refuseReportFlags, writeReplay } from './replay-output.ts';
import { writeReport } from './report-output.ts';

type StatsFlags = RawReportFlags & { arenaHardBaseline?: string; replay?: string };

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
      )
      .option(
        '--replay <report.json>',
        "recompute a report JSON from these files with its options and seed: prints 'identical' or every figure that differs (exit 1)",
      ),
  ).action(async (files: string[], flags: StatsFlags, cmd: Command) => {
    if (flags.replay !== undefined) {
      refuseReportFlags(cmd);
      const { report, options } = await readReplayed(flags.replay);
      const table = await readTable(files, options.base, flags);
      return writeReplay(report, () => buildReport(table, options, { files }));
    }
    const parsed = parseReportFlags(flags);
    if ('error' in parsed) throw new CliError(parsed.error, 2);
    const table = await readTable(files, parsed.options.base, flags);
    await writeReport(table, parsed, flags.out, (t, options) =>
      buildReportHashingAside(t, options, { files }),
    );
  });
}

/** The files' verdicts as a verdict table; a bad record, a missing file or no verdicts exit 2. */
async function readTable(
  files: string[],
  base: string | undefined,
  flags: StatsFlags,
): Promise<VerdictTable> {
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
        base,
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
  return table;
}
