import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { z } from 'zod';
import type { auditImportStylesSchema } from '../../shared/audit.ts';
import { recordAdminAction } from '../audit/service.ts';
import {
  charLength,
  type ImportFormat,
  type ImportKind,
  type ImportResult,
} from '../../shared/import-records.ts';
import type { Gold, ItemSummary } from '../../shared/admin-views.ts';
import type { Db, Tx } from '../db/client.ts';
import { Errors } from '../errors.ts';
import {
  getOrCreateStudy,
  getOrCreateSystem,
  getStudyById,
  listSystems,
  requireStudy,
} from '../studies/service.ts';
import { FileRecordError } from '../files/record-error.ts';
import { formatFromFileName } from '../files/read-records.ts';
import { textProblem } from './records.ts';
import * as repo from './repository.ts';
import { validateFile, type ValidationSummary } from './validate.ts';
import { mergeStaging, Staging } from './write.ts';
import { scanStudy } from '../integrity/service.ts';
import { outputStyleCounts } from '../stats/style-control.ts';
import type { TypedRecord } from './records.ts';

export type ImportPhase = 'validate' | 'write';

/**
 * The style counts of the outputs in an imported file, per system: [item, length, headers, lists,
 * bold] (docs/audit.md). The import's audit event carries them, so that a report rebuilt from the
 * audit export has the style-controlled win rate the study's report has (an output's text never
 * changes once stored: a record that differs is refused).
 */
type StyleRow = z.infer<typeof auditImportStylesSchema>[string][number];

function collectStyles(styles: Map<string, StyleRow[]>, typed: TypedRecord): void {
  const add = (item: string, system: string, trace: string, answer: string) => {
    const c = outputStyleCounts(trace, answer, charLength(trace));
    let rows = styles.get(system);
    if (!rows) styles.set(system, (rows = []));
    rows.push([item, c.length, c.headers, c.lists, c.bold]);
  };
  if (typed.kind === 'outputs') {
    const r = typed.record;
    add(r.item, r.system, r.trace, r.answer);
  } else {
    for (const [system, out] of Object.entries(typed.record.outputs))
      add(typed.record.id, system, out.trace, out.answer);
  }
}

export interface ImportProgressEvent {
  phase: ImportPhase;
  /** Bytes read while validating; records written while writing. */
  done: number;
  total: number;
}

export interface ImportFileOptions {
  /** The study by id (must exist), or by name (created, inside the import's transaction, if new). */
  study: { id: string } | { name: string };
  path: string;
  /** The name used in error messages (`FILE:LINE: …`); defaults to the path. */
  displayName?: string;
  /** The file name whose extension gives the format, when the path has none (an upload). */
  fileName?: string;
  format?: ImportFormat;
  kind?: ImportKind;
  system?: string;
  onProgress?: (event: ImportProgressEvent) => void;
  /** Who imports, for the audit trail (docs/audit.md): 'admin' over HTTP, 'cli', 'demo'. */
  actor?: string;
}

export function resolveFormat(
  fileName: string,
  displayName: string,
  format?: ImportFormat,
): ImportFormat {
  if (format) return format;
  const fromName = formatFromFileName(fileName);
  if (!fromName) {
    throw new FileRecordError(
      displayName,
      null,
      'cannot tell the format from the extension (.jsonl, .ndjson, .json, .csv, .parquet); name it with --format',
    );
  }
  return fromName;
}

/** The size of the file to import, or the import's one-line refusal (not found, not a file). */
export async function importFileSize(path: string, displayName: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FileRecordError(displayName, null, 'expected a file');
    return info.size;
  } catch (err) {
    if (err instanceof FileRecordError) throw err;
    throw new FileRecordError(displayName, null, 'file not found');
  }
}

/**
 * Imports one file, all or nothing, in one transaction: the file is streamed, each record checked
 * (a bad one throws a FileRecordError naming its line) and COPied into a staging table; then the
 * staged rows are compared with what is stored and merged by a few statements. Any bad or
 * conflicting record rolls the whole transaction back. On PGlite the file is checked whole first
 * (Staging.checksFirst).
 */
export async function importFile(db: Db, options: ImportFileOptions): Promise<ImportResult> {
  const path = resolve(options.path);
  const displayName = options.displayName ?? options.path;
  const format = resolveFormat(options.fileName ?? path, displayName, options.format);
  const size = await importFileSize(path, displayName);
  // names given beside the file are stored too (PostgreSQL would refuse a NUL with an internal error)
  const named: Array<[string, string | undefined]> = [
    ['--system', options.system],
    ['--study', 'name' in options.study ? options.study.name : undefined],
  ];
  for (const [option, value] of named) {
    const problem = value === undefined ? null : textProblem(value);
    if (problem) throw new FileRecordError(displayName, null, `${option}: ${problem}`);
  }
  const check = {
    displayName,
    format,
    kind: options.kind,
    system: options.system,
    path,
    onBytes: (done: number) => options.onProgress?.({ phase: 'validate', done, total: size }),
  };
  const checked = Staging.checksFirst(db) ? await validateFile(check) : null;
  return db.transaction(async (tx) => {
    const staging = await Staging.open(tx);
    let summary: ValidationSummary;
    let staged = 0;
    const styles = new Map<string, StyleRow[]>();
    try {
      summary = await validateFile({
        ...check,
        // once checked, the staging pass reports its records as the write phase
        onBytes: checked ? undefined : check.onBytes,
        onRecord: async (record) => {
          await staging.add(record);
          collectStyles(styles, record);
          if (checked && ++staged % 1000 === 0)
            options.onProgress?.({ phase: 'write', done: staged, total: checked.records });
        },
      });
    } catch (err) {
      await staging.abort(err as Error);
      throw err;
    }
    await staging.end();
    if (checked && checked.sha256 !== summary.sha256) {
      throw new FileRecordError(
        displayName,
        null,
        'the file changed while it was being imported; nothing was written',
      );
    }
    options.onProgress?.({ phase: 'write', done: staged, total: summary.records });
    const result = await writeFile(tx, { ...options, path, displayName }, summary, styles);
    options.onProgress?.({ phase: 'write', done: summary.records, total: summary.records });
    return result;
  });
}

async function resolveStudyId(
  tx: Tx,
  study: ImportFileOptions['study'],
  displayName: string,
): Promise<{ id: string; name: string }> {
  if ('name' in study) return getOrCreateStudy(tx, { name: study.name });
  const row = await getStudyById(tx, { id: study.id });
  if (!row) throw new FileRecordError(displayName, null, `no study with id ${study.id}`);
  return row;
}

/** Merges the staged file into its study and records the import. */
async function writeFile(
  tx: Tx,
  options: ImportFileOptions & { path: string; displayName: string },
  summary: ValidationSummary,
  styles: Map<string, StyleRow[]>,
): Promise<ImportResult> {
  const { path, displayName } = options;
  const study = await resolveStudyId(tx, options.study, displayName);
  const systemIds = new Map<string, string>();
  for (const name of summary.systems) {
    systemIds.set(name, (await getOrCreateSystem(tx, { studyId: study.id, name })).id);
  }
  const counts = await mergeStaging({
    tx,
    studyId: study.id,
    displayName,
    baseDir: dirname(path),
    systemIds,
    items: summary.items,
    outputs: summary.outputs,
  });
  const importId = await repo.insertImport(tx, {
    studyId: study.id,
    fileName: basename(options.fileName ?? path),
    sha256: summary.sha256,
    format: summary.format,
    records: summary.records,
    itemsCreated: counts.itemsCreated,
    outputsCreated: counts.outputsCreated,
  });
  // the identity-leak scan (docs/integrity.md): flagged outputs are held before anyone judges them
  await scanStudy(tx, { studyId: study.id });
  await recordAdminAction(tx, {
    studyId: study.id,
    actor: options.actor ?? 'admin',
    action: 'import',
    details: {
      import_id: importId,
      file: basename(options.fileName ?? path),
      sha256: summary.sha256,
      format: summary.format,
      kind: summary.kind,
      records: summary.records,
      items_created: counts.itemsCreated,
      outputs_created: counts.outputsCreated,
      systems: summary.systems,
      ...(styles.size > 0 ? { styles: Object.fromEntries(styles) } : {}),
    },
  });
  return {
    importId,
    file: displayName,
    format: summary.format,
    kind: summary.kind,
    records: summary.records,
    items: summary.items,
    itemsCreated: counts.itemsCreated,
    outputs: summary.outputs,
    outputsCreated: counts.outputsCreated,
    imagesCreated: counts.imagesCreated,
    systems: summary.systems,
  };
}

/** A page of the study's items, gold ones first, filtered by text and by having gold; 404 without the study. */
export async function listItems(
  db: Tx,
  options: repo.ItemListQuery,
): Promise<{ items: ItemSummary[]; total: number }> {
  await requireStudy(db, { id: options.studyId });
  return repo.listItems(db, options);
}

/** Sets an item's gold verdict: two different systems of the study (400), an item of it (404). */
export async function setItemGold(
  db: Tx,
  { studyId, itemId, gold }: { studyId: string; itemId: string; gold: Gold },
): Promise<ItemSummary> {
  await requireStudy(db, { id: studyId });
  const names = (await listSystems(db, { studyId })).map((s) => s.name);
  for (const name of [gold.a, gold.b]) {
    if (!names.includes(name))
      throw new Errors.BadRequest(
        `no system named '${name}' in this study (systems: ${names.join(', ')})`,
      );
  }
  if (gold.a === gold.b)
    throw new Errors.BadRequest('a gold verdict compares two different systems');
  const item = await repo.setItemGold(db, { studyId, itemId, gold });
  if (!item) throw new Errors.NotFound('item');
  return item;
}

/** Clears an item's gold verdict; 404 when the item is not in the study. */
export async function clearItemGold(
  db: Tx,
  { studyId, itemId }: { studyId: string; itemId: string },
): Promise<ItemSummary> {
  const item = await repo.setItemGold(db, { studyId, itemId, gold: null });
  if (!item) throw new Errors.NotFound('item');
  return item;
}

/** Sets the same gold verdict on the study's items with these ids (the demo's seeding). */
export async function setGoldByExternalIds(
  db: Tx,
  options: { studyId: string; externalIds: string[]; gold: Gold },
): Promise<void> {
  await repo.setGoldByExternalIds(db, options);
}

/** An item image by its id (the images route serves it); 404 when there is none. */
export async function getImage(db: Tx, { id }: { id: string }) {
  const image = await repo.getImage(db, { id });
  if (!image) throw new Errors.NotFound('image');
  return image;
}

export interface OutputText {
  itemId: string;
  /** The item's id as imported. */
  externalId: string;
  systemName: string;
  trace: string;
  answer: string;
}

/**
 * Every output of a study with its system's name, a page at a time in (item, system) order: the
 * identity-leak scan's input (`tracearena scan`). 404 without the study.
 */
export async function* studyOutputTexts(
  db: Tx,
  { studyId, pageSize = 500 }: { studyId: string; pageSize?: number },
): AsyncGenerator<OutputText[]> {
  await requireStudy(db, { id: studyId });
  const names = new Map((await listSystems(db, { studyId })).map((s) => [s.id, s.name]));
  let after: { externalId: string; systemId: string } | null = null;
  for (;;) {
    const page = await repo.listOutputTexts(db, { studyId, after, limit: pageSize });
    if (page.length === 0) return;
    yield page.map((r) => ({
      itemId: r.itemId,
      externalId: r.externalId,
      systemName: names.get(r.systemId) ?? r.systemId,
      trace: r.trace,
      answer: r.answer,
    }));
    const last = page[page.length - 1]!;
    after = { externalId: last.externalId, systemId: last.systemId };
  }
}
