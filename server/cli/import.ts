import { openAsBlob } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import {
  importFormats,
  importKinds,
  importResultSchema,
  type ImportFormat,
  type ImportKind,
  type ImportResult,
} from '../../shared/import-records.ts';
import { FileRecordError } from '../files/record-error.ts';
import {
  importFile,
  importFileSize,
  resolveFormat,
  type ImportProgressEvent,
} from '../imports/service.ts';
import { validateFile } from '../imports/validate.ts';
import { listStudies } from '../studies/service.ts';
import {
  addDbOptions,
  addServerOptions,
  CliError,
  withDatabase,
  type DbOptions,
} from './common.ts';
import { createProgress, type Progress } from './progress.ts';
import { serverFor, serverRequest, type RunningServer } from './running-server.ts';

interface ImportCliOptions extends DbOptions {
  study?: string;
  system?: string;
  format?: string;
  kind?: string;
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

/** The study to import into: the one named, else the only one there is (the one-line refusal). */
function chooseStudy(named: string | undefined, names: string[]): string {
  if (named) return named;
  if (names.length !== 1) {
    throw new CliError(
      names.length === 0
        ? 'name the study with --study NAME (it is created if new)'
        : `name the study with --study NAME (studies: ${names.join(', ')})`,
      2,
    );
  }
  return names[0] as string;
}

function printResult(result: ImportResult, study: string): void {
  const created =
    result.kind === 'items' ? result.itemsCreated + result.outputsCreated : result.outputsCreated;
  process.stdout.write(
    `imported ${result.items} items, ${result.outputs} outputs (${created} new) into study '${study}'\n`,
  );
}

/**
 * Checks the whole file here, with the import's own reader and checks (a bad record is the usual
 * `FILE:LINE: field …`, before anything is sent), and returns the image files its records name:
 * their paths relative to the file's folder, '/'-separated, each once (data: URIs travel inside
 * the file).
 */
async function checkLocally(
  file: string,
  options: { format?: ImportFormat; kind?: ImportKind; system?: string },
): Promise<string[]> {
  const path = resolve(file);
  const format = resolveFormat(path, file, options.format);
  const size = await importFileSize(path, file);
  const baseDir = dirname(path);
  const images = new Set<string>();
  const progress = progressReporter();
  try {
    await validateFile({
      displayName: file,
      format,
      kind: options.kind,
      system: options.system,
      path,
      onBytes: (done) => progress.onProgress({ phase: 'validate', done, total: size }),
      // every image was checked (inside the file's folder, an image) before the record comes here
      onRecord: async (typed) => {
        if (typed.kind !== 'items') return;
        for (const ref of typed.record.images)
          if (!ref.startsWith('data:'))
            images.add(relative(baseDir, resolve(baseDir, ref)).split(sep).join('/'));
      },
    });
  } finally {
    progress.stop();
  }
  return [...images];
}

/**
 * `import` through a server (`--server`, or the one holding the data folder): the file is checked
 * here first, then the study found by name among those the token may see, or created (a
 * server-admin's right), and the file uploaded with its images as the admin page does (multipart:
 * the data file in field `file`, each image under its relative path). Files go as file-backed
 * Blobs (fs.openAsBlob), which fetch streams: thousands of images are not held in memory.
 */
async function importThroughServer(
  server: RunningServer,
  file: string,
  opts: ImportCliOptions,
  { format, kind }: { format?: ImportFormat; kind?: ImportKind },
): Promise<void> {
  const studies = (await (await serverRequest(server, '/api/studies')).json()) as Array<{
    id: string;
    name: string;
  }>;
  const name = chooseStudy(
    opts.study,
    studies.map((s) => s.name),
  );
  let images: string[];
  try {
    images = await checkLocally(file, { format, kind, system: opts.system });
  } catch (err) {
    if (err instanceof FileRecordError) throw new CliError(err.message, 2);
    throw err;
  }
  // a new study is created by the import itself, in its transaction: a file the server refuses
  // leaves no empty study behind
  const studyId = studies.find((s) => s.name === name)?.id;

  const path = resolve(file);
  const form = new FormData();
  // node:buffer's Blob, which the global FormData takes (the types differ only by name)
  form.append('file', (await openAsBlob(path)) as Blob, basename(path));
  for (const rel of images)
    form.append('image', (await openAsBlob(join(dirname(path), rel))) as Blob, rel);
  const query = new URLSearchParams();
  if (format) query.set('format', format);
  if (kind) query.set('kind', kind);
  if (opts.system) query.set('system', opts.system);
  if (studyId === undefined) query.set('study', name);
  const q = query.size > 0 ? `?${query}` : '';
  const target = studyId === undefined ? '/api/studies/imports' : `/api/studies/${studyId}/imports`;
  const res = await serverRequest(server, `${target}${q}`, {
    method: 'POST',
    form,
  });
  printResult(importResultSchema.parse(await res.json()), name);
}

export function register(program: Command): void {
  addServerOptions(
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
    ),
  ).action(async (file: string, opts: ImportCliOptions) => {
    const format = oneOf<ImportFormat>('--format', importFormats, opts.format);
    const kind = oneOf<ImportKind>('--kind', importKinds, opts.kind);
    const server = serverFor(opts);
    if (server) {
      await importThroughServer(server, file, opts, { format, kind });
      return;
    }
    await withDatabase(opts, async (database) => {
      const study = chooseStudy(
        opts.study,
        opts.study ? [] : (await listStudies(database.db)).map((s) => s.name),
      );
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
        printResult(result, study);
      } catch (err) {
        progress.stop();
        if (err instanceof FileRecordError) throw new CliError(err.message, 2);
        throw err;
      }
    });
  });
}
