import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Report, ReportOptions } from '../../shared/report.ts';
import { ReportSchemaError } from '../reports/build-report.ts';
import { differenceLine, diffReports, parseReportText, replayOptions } from '../reports/replay.ts';
import { CliError } from './common.ts';

/** The report options a replay takes from the report itself: giving one too is an error. */
const REPORT_FLAGS = ['ci', 'ties', 'level', 'rounds', 'seed', 'ranking', 'base', 'format', 'out'];

export function refuseReportFlags(cmd: Command): void {
  for (const key of REPORT_FLAGS)
    if (cmd.getOptionValueSource(key) === 'cli')
      throw new CliError(
        `option '--${key}' cannot be used with --replay (the report is recomputed with its own options)`,
        2,
      );
}

/** The report to replay and its options; an unreadable or invalid file is bad input (exit 2). */
export async function readReplayed(
  file: string,
): Promise<{ report: Report; options: ReportOptions }> {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT')
      throw new CliError(`${file}: no such file`, 2);
    throw err;
  }
  const report = parseReportText(text);
  if ('error' in report) throw new CliError(`${file}: ${report.error}`, 2);
  return { report, options: replayOptions(report) };
}

/**
 * Recomputes the report and prints `identical` (exit 0) or every figure that differs, one
 * `path: old -> new` line each (exit 1). A different TraceArena version is a note on stderr, not
 * a difference: the figures decide.
 */
export function writeReplay(report: Report, build: () => Report): void {
  let replayed;
  try {
    replayed = build();
  } catch (err) {
    if (err instanceof RangeError) throw new CliError(err.message, 2);
    if (err instanceof ReportSchemaError) throw new CliError(err.message, 1);
    throw err;
  }
  const made = report.provenance?.tracearena;
  const now = replayed.provenance?.tracearena;
  if (made !== now)
    process.stderr.write(
      `note: the report was made by TraceArena ${made ?? 'before provenance existed'}, replayed with ${now}\n`,
    );
  const differences = diffReports(report, replayed);
  if (differences.length === 0) {
    process.stdout.write('identical\n');
    return;
  }
  process.stdout.write(
    `differs: ${differences.length} figure${differences.length === 1 ? '' : 's'}\n${differences
      .map((d) => `${differenceLine(d)}\n`)
      .join('')}`,
  );
  process.exitCode = 1;
}
