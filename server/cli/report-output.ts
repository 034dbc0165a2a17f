import { writeFile } from 'node:fs/promises';
import type { ReportOptions } from '../../shared/report.ts';
import { buildReport, checkReport, ReportSchemaError } from '../reports/build-report.ts';
import { formatReport, type ReportFormat } from '../reports/format.ts';
import type { VerdictTable } from '../reports/verdict-table.ts';
import { CliError } from './common.ts';

/**
 * What `stats` and `report` do once the verdicts are loaded: build the report (an unknown base is
 * bad input, exit 2), print its input warnings on stderr, and write it in the chosen format to
 * `out` or stdout. A report that fails its own schema is a bug: one line naming the field, exit 1,
 * nothing written (`build` is replaceable so that tests can hand it such a report).
 */
export async function writeReport(
  table: VerdictTable,
  parsed: { options: ReportOptions; format: ReportFormat },
  out: string | undefined,
  build: (table: VerdictTable, options: ReportOptions) => unknown | Promise<unknown> = buildReport,
): Promise<void> {
  let report;
  try {
    report = checkReport(await build(table, parsed.options));
  } catch (err) {
    if (err instanceof RangeError) throw new CliError(err.message, 2);
    if (err instanceof ReportSchemaError) throw new CliError(err.message, 1);
    throw err;
  }
  for (const w of report.input.warnings) process.stderr.write(`warning: ${w}\n`);
  const text = await formatReport(report, parsed.format);
  if (out) await writeFile(out, text);
  else process.stdout.write(text);
}
