import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { ProvenanceInput, Report } from '../../shared/report.ts';
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
      const baseline = replayedBaseline(report, flags);
      const table = await readTable(files, options.base, baseline);
      return writeReplay(report, () => buildReport(table, options, filesInput(files, baseline)));
    }
    const parsed = parseReportFlags(flags);
    if ('error' in parsed) throw new CliError(parsed.error, 2);
    const baseline = arenaHardBaseline(flags);
    const table = await readTable(files, parsed.options.base, baseline);
    await writeReport(table, parsed, flags.out, (t, options) =>
      buildReportHashingAside(t, options, filesInput(files, baseline)),
    );
  });
}

/** `--arena-hard-baseline`, trimmed; a blank name is bad input (exit 2). */
function arenaHardBaseline(flags: StatsFlags): string | undefined {
  const baseline = flags.arenaHardBaseline?.trim();
  if (baseline === '')
    throw new CliError(
      `option '--arena-hard-baseline': expected a non-empty name, got '${flags.arenaHardBaseline}'`,
      2,
    );
  return baseline;
}

/**
 * The Arena-Hard baseline a replay reads the files with: the one the report records (its
 * provenance input), which `--arena-hard-baseline` may repeat but not change; or, for a report
 * that records none, the flag's.
 */
function replayedBaseline(report: Report, flags: StatsFlags): string | undefined {
  const given = arenaHardBaseline(flags);
  const input = report.provenance?.input;
  const recorded = input && 'files' in input ? input.arenaHardBaseline : undefined;
  if (recorded !== undefined && given !== undefined && given !== recorded)
    throw new CliError(
      `option '--arena-hard-baseline': the report was made with '${recorded}', not '${given}' (a replay reads the files as the report did; leave the option out)`,
      2,
    );
  return recorded ?? given;
}

/** The report's provenance input: the files as named, and the Arena-Hard baseline if one was given. */
function filesInput(files: string[], baseline: string | undefined): ProvenanceInput {
  return baseline === undefined ? { files } : { files, arenaHardBaseline: baseline };
}

/** The files' verdicts as a verdict table; a bad record, a missing file or no verdicts exit 2. */
async function readTable(
  files: string[],
  base: string | undefined,
  arenaHardBaseline: string | undefined,
): Promise<VerdictTable> {
  let table;
  const sources = await regularFiles(files);
  try {
    const progress = createProgress({ label: 'reading', total: 1 });
    try {
      table = await readJudgmentsFiles(sources.paths, {
        names: files,
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
    throw err;
  } finally {
    await sources.cleanup();
  }
  // an empty report with exit 0 looked like a result (an AlpacaEval reference model's own file)
  const nothing = noVerdictsReason(table, files);
  if (nothing) throw new CliError(nothing, 2);
  return table;
}

/** Why a path cannot be read, as bad input (exit 2) in one line; other errors as they are. */
const UNREADABLE: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

function unreadable(file: string): (err: NodeJS.ErrnoException) => never {
  return (err) => {
    const reason = err.code === undefined ? undefined : UNREADABLE[err.code];
    if (reason) throw new CliError(`${file}: ${reason}`, 2);
    throw err;
  };
}

/**
 * The files as regular files `stats` can read twice (its format sniff reads the start, then the
 * records): a pipe (`stats <(zcat j.jsonl.gz)`, `-` for standard input) is first copied to a
 * temporary file, whose records are still named by the name given. A missing file or a directory
 * is bad input (exit 2), in one line.
 */
async function regularFiles(
  files: readonly string[],
): Promise<{ paths: string[]; cleanup: () => Promise<void> }> {
  let dir: string | undefined;
  const paths: string[] = [];
  const cleanup = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const [k, file] of files.entries()) {
      if (file !== '-') {
        const info = await stat(file).catch(unreadable(file));
        if (info.isDirectory())
          throw new CliError(`${file}: is a directory, not a judgments file`, 2);
        // a file this user may not read fails on open, after the other files were sniffed
        await access(file, constants.R_OK).catch(unreadable(file));
        if (info.isFile()) {
          paths.push(file);
          continue;
        }
      }
      dir ??= await mkdtemp(join(tmpdir(), 'tracearena-stats-'));
      // the name keeps its extension, which may say the format (a named pipe j.csv)
      const copy = join(dir, `${k}-${file === '-' ? 'stdin' : basename(file)}`);
      // standard input through its stream (opening /dev/stdin fails when it is a socket)
      await pipeline(
        file === '-' ? process.stdin : createReadStream(file),
        createWriteStream(copy),
      );
      paths.push(copy);
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { paths, cleanup };
}
