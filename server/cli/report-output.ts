import { writeFile } from 'node:fs/promises';
import type { ReportOptions } from '../../shared/report.ts';
import { buildReport } from '../reports/build-report.ts';
import { formatReport, type ReportFormat } from '../reports/format.ts';
import type { VerdictTable } from '../reports/verdict-table.ts';
import { CliError } from './common.ts';

/**
 * What `stats` and `report` do once the verdicts are loaded: build the report (an unknown base is
 * bad input, exit 2), print its input warnings on stderr, and write it in the chosen format to
 * `out` or stdout.
 */
export async function writeReport(
  table: VerdictTable,
  parsed: { options: ReportOptions; format: ReportFormat },
  out: string | undefined,
): Promise<void> {
  let report;
  try {
    report = buildReport(table, parsed.options);
  } catch (err) {
    if (err instanceof RangeError) throw new CliError(err.message, 2);
    throw err;
  }
  for (const w of report.input.warnings) process.stderr.write(`warning: ${w}\n`);
  const text = await formatReport(report, parsed.format);
  if (out) await writeFile(out, text);
  else process.stdout.write(text);
}
