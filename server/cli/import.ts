import type { Command } from 'commander';
import {
  importFormats,
  importKinds,
  type ImportFormat,
  type ImportKind,
} from '../../shared/import-records.ts';
import { FileRecordError } from '../files/record-error.ts';
import { importFile, type ImportProgressEvent } from '../imports/service.ts';
import { listStudies } from '../studies/service.ts';
import { addDbOptions, CliError, withDatabase } from './common.ts';
import { createProgress, type Progress } from './progress.ts';

interface ImportCliOptions {
  study?: string;
  system?: string;
  format?: string;
  kind?: string;
  data?: string;
  databaseUrl?: string;
}

function oneOf<T extends string>(
  name: string,
  allowed: readonly T[],
  value: string | undefined,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(
      `option '${name}': expected one of ${allowed.join(', ')}, got '${value}'`,
      2,
    );
  }
  return value as T;
}

/** Two bars in sequence: bytes while validating, then records while writing. */
function progressReporter(): { onProgress: (e: ImportProgressEvent) => void; stop: () => void } {
  let bar: Progress | undefined;
  let phase: string | undefined;
  return {
    onProgress(e) {
      if (e.phase !== phase) {
        bar?.stop();
        phase = e.phase;
        bar = createProgress({
          label: e.phase === 'validate' ? 'validating' : 'importing ',
          total: e.total,
        });
      }
      bar?.update(e.done);
    },
    stop: () => bar?.stop(),
  };
}

export function register(program: Command): void {
  addDbOptions(
    program
      .command('import')
      .description(
        "import items (with images and embedded outputs) or one system's outputs, all or nothing; see docs/import-formats.md",
      )
      .argument('<file>', 'a .jsonl/.ndjson, .json (array), .csv or .parquet file')
      .option(
        '--study <name>',
        'study name, created if new (optional when exactly one study exists)',
      )
      .option('--system <name>', 'the system of an output file whose records do not name one')
      .option(
        '--format <format>',
        `file format: ${importFormats.join('|')} (default: from the extension)`,
      )
      .option('--kind <kind>', `${importKinds.join('|')} (default: from the first record)`),
  ).action(async (file: string, opts: ImportCliOptions) => {
    const format = oneOf<ImportFormat>('--format', importFormats, opts.format);
    const kind = oneOf<ImportKind>('--kind', importKinds, opts.kind);
    await withDatabase(opts, async (database) => {
      let study = opts.study;
      if (!study) {
        const names = (await listStudies(database.db)).map((s) => s.name);
        if (names.length !== 1) {
          throw new CliError(
            names.length === 0
              ? 'name the study with --study NAME (it is created if new)'
              : `name the study with --study NAME (studies: ${names.join(', ')})`,
            2,
          );
        }
        study = names[0] as string;
      }
      const progress = progressReporter();
      try {
        const result = await importFile(database.db, {
          study: { name: study },
          path: file,
          format,
          kind,
          system: opts.system,
          onProgress: progress.onProgress,
          actor: 'cli',
        });
        progress.stop();
        const created =
          result.kind === 'items'
            ? result.itemsCreated + result.outputsCreated
            : result.outputsCreated;
        process.stdout.write(
          `imported ${result.items} items, ${result.outputs} outputs (${created} new) into study '${study}'\n`,
        );
      } catch (err) {
        progress.stop();
        if (err instanceof FileRecordError) throw new CliError(err.message, 2);
        throw err;
      }
    });
  });
}
