import type { Command } from 'commander';
import { z } from 'zod';
import { reportOptionsSchema, type ReportOptions } from '../../shared/report.ts';
import { REPORT_FORMATS, type ReportFormat } from './format.ts';

/** The options shared by `tracearena stats` and `tracearena report`. */
export function addReportOptions(cmd: Command): Command {
  return cmd
    .option(
      '--ci <method>',
      'interval: agresti-coull | wilson | exact | normal | cluster-wilson | bootstrap (default: cluster-wilson, Wilson on the design-effect effective n with items as clusters, when some item has several verdicts, else agresti-coull)',
    )
    .option('--ties <mode>', 'ties count half a win (half) or are dropped (exclude)', 'half')
    .option('--level <p>', 'confidence level', '0.95')
    .option('--rounds <n>', 'bootstrap rounds', '2000')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--ranking <model>', 'bradley-terry | davidson', 'bradley-terry')
    .option(
      '--base <system>',
      'base system: anchors the ranking at 0 and sits on side b of its pairs',
    )
    .option('--format <format>', REPORT_FORMATS.join(' | '), 'table')
    .option('--out <file>', 'write to a file instead of stdout');
}

export interface RawReportFlags {
  ci?: string;
  ties?: string;
  level?: string;
  rounds?: string;
  seed?: string;
  ranking?: string;
  base?: string;
  format?: string;
  out?: string;
}

/** Parses the flags; returns the problem as one line (the caller exits 2). */
export function parseReportFlags(
  flags: RawReportFlags,
): { options: ReportOptions; format: ReportFormat } | { error: string } {
  const parsed = reportOptionsSchema.safeParse({
    ci: flags.ci ?? 'auto',
    ties: flags.ties,
    level: flags.level,
    rounds: flags.rounds,
    seed: flags.seed,
    ranking: flags.ranking,
    base: flags.base,
  });
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]?.path[0] ?? '?');
    return { error: `option '--${key}': ${plainProblem(key, flags[key as keyof RawReportFlags])}` };
  }
  const format = z.enum(REPORT_FORMATS).safeParse(flags.format ?? 'table');
  if (!format.success)
    return {
      error: `option '--format': expected one of ${REPORT_FORMATS.join(', ')}, got '${flags.format}'`,
    };
  return { options: parsed.data, format: format.data };
}

/**
 * What an option expects, in plain words from the schema itself (its choices, its range), so a
 * CLI error never quotes zod ("Too big: expected number to be <1").
 */
function plainProblem(key: string, raw: string | undefined): string {
  const got = `got '${raw ?? ''}'`;
  const field = (reportOptionsSchema.shape as Record<string, z.ZodType>)[key];
  let inner: unknown = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional)
    inner = (inner as z.ZodDefault<z.ZodType>).unwrap();
  if (inner instanceof z.ZodEnum) return `expected one of ${inner.options.join(', ')}, ${got}`;
  if (inner instanceof z.ZodNumber) {
    const range = `from ${inner.minValue} to ${inner.maxValue}`;
    return inner.isInt
      ? `expected a whole number ${range}, ${got}`
      : `expected a number ${range}, ${got}`;
  }
  return `expected a non-empty name, ${got}`;
}
