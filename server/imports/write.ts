import type { Tx } from '../db/client.ts';
import { FileRecordError } from '../files/record-error.ts';
import { copyRow, copyRunsAlongside, openCopy, type CopySink } from './copy.ts';
import { checkImage, loadImage, type LoadedImage } from './images.ts';
import type { TypedRecord } from './records.ts';
import {
  analyzeStaging,
  checkStagedItems,
  checkStagedOutputs,
  createStaging,
  firstStagedOutputWithoutItem,
  insertItemImages,
  insertStagedItems,
  insertStagedOutputs,
  STAGING_COLUMNS,
  stagedImagesOfNewItems,
  stagedImagesOfStoredItems,
  type NewItemImage,
  type StagedConflict,
  type StagedImages,
} from './repository.ts';

/** Image bytes per insert statement, so a file of large images never becomes one giant query. */
const IMAGE_CHUNK_BYTES = 16 * 1024 * 1024;
/**
 * Image rows per insert statement: 6 parameters a row, and PostgreSQL takes at most 65,535 in one
 * statement (16 MiB of 71-byte images is 236,000 rows: an internal error dumping their bytes).
 */
const IMAGE_CHUNK_ROWS = 5_000;
/** Items with images loaded per page when their images are written. */
const IMAGE_PAGE = 500;

export interface WriteCounts {
  itemsCreated: number;
  outputsCreated: number;
  imagesCreated: number;
}

/**
 * The staging table of one import, filled through COPY as the file's records pass their checks:
 * each row keeps its record's file line, so a conflict found by the merge names FILE:LINE.
 */
export class Staging {
  /**
   * Whether to check the whole file before staging any of it: on PGlite, where COPY shares the
   * thread, a bad record near the end of a large file would otherwise be found only after every
   * row before it went in. On PostgreSQL the rows go in while the file is read: one pass.
   */
  static checksFirst(db: Tx): boolean {
    return !copyRunsAlongside(db);
  }

  private constructor(private readonly sink: CopySink) {}

  static async open(tx: Tx): Promise<Staging> {
    await createStaging(tx);
    return new Staging(await openCopy(tx, 'import_rows', [...STAGING_COLUMNS]));
  }

  async add(typed: TypedRecord): Promise<void> {
    const { line } = typed;
    if (typed.kind === 'outputs') {
      const r = typed.record;
      await this.sink.write(
        copyRow([line, 0, r.item, r.system, null, null, null, null, null, r.trace, r.answer]),
      );
      return;
    }
    const r = typed.record;
    const images = r.images.length > 0 ? JSON.stringify(r.images) : null;
    await this.sink.write(
      copyRow([
        line,
        0,
        r.id,
        null,
        r.question,
        r.reference,
        r.modality,
        JSON.stringify(r.metadata),
        images,
        null,
        null,
      ]),
    );
    let pos = 0;
    for (const [system, out] of Object.entries(r.outputs)) {
      await this.sink.write(
        copyRow([line, pos++, r.id, system, null, null, null, null, null, out.trace, out.answer]),
      );
    }
  }

  end(): Promise<void> {
    return this.sink.end();
  }

  abort(err: Error): Promise<void> {
    return this.sink.abort(err);
  }
}

export interface MergeContext {
  tx: Tx;
  studyId: string;
  displayName: string;
  baseDir: string;
  /** The file's systems by name, with their ids. */
  systemIds: Map<string, string>;
  /** Staged rows: item records (0 for an output file) and outputs. */
  items: number;
  outputs: number;
}

function conflictError(ctx: MergeContext, line: number, field: string, what: string) {
  return FileRecordError.field(
    ctx.displayName,
    line,
    field,
    `conflicts with ${what} already stored (re-imported records must be identical)`,
  );
}

async function loadImages(ctx: MergeContext, staged: StagedImages): Promise<LoadedImage[]> {
  const loaded: LoadedImage[] = [];
  for (let i = 0; i < staged.images.length; i++) {
    // checked again: the image may have changed since the record was read
    const check = await checkImage(staged.images[i] as string, ctx.baseDir);
    if (!check.ok)
      throw FileRecordError.field(ctx.displayName, staged.line, `images[${i}]`, check.expected);
    loaded.push(await loadImage(check.ref, check.mime));
  }
  return loaded;
}

/** The first stored item (by line, before `before`) whose images differ from the record's. */
async function firstImageConflict(
  ctx: MergeContext,
  before: number,
): Promise<FileRecordError | null> {
  for (const staged of await stagedImagesOfStoredItems(ctx.tx, { studyId: ctx.studyId })) {
    if (staged.line >= before) return null;
    const what = `item '${staged.item}'`;
    if (staged.stored.length !== staged.images.length)
      return conflictError(ctx, staged.line, 'images', `the images of ${what}`);
    const loaded = await loadImages(ctx, staged);
    const at = loaded.findIndex((img, i) => img.sha256 !== staged.stored[i]);
    if (at !== -1) return conflictError(ctx, staged.line, `images[${at}]`, `the image of ${what}`);
  }
  return null;
}

function itemConflictError(ctx: MergeContext, c: StagedConflict): FileRecordError {
  return conflictError(ctx, c.line, c.field, `item '${c.item}'`);
}

function outputConflictError(ctx: MergeContext, c: StagedConflict): FileRecordError {
  const field = ctx.items > 0 ? `outputs.${c.system}.${c.field}` : c.field;
  return conflictError(
    ctx,
    c.line,
    field,
    `the output of system '${c.system}' for item '${c.item}'`,
  );
}

/**
 * The first record (by line) that contradicts what is stored, or null. On one line an item's own
 * fields come before its images, and those before its outputs.
 */
async function firstConflict(
  ctx: MergeContext,
): Promise<{ error: FileRecordError | null; items: number; outputs: number }> {
  const { tx, studyId, systemIds: systems } = ctx;
  const items = ctx.items > 0 ? await checkStagedItems(tx, { studyId }) : null;
  const outputs = await checkStagedOutputs(tx, { studyId, systems });
  // candidates in precedence order: the first with the lowest line wins
  const found: FileRecordError[] = [];
  if (items?.conflict) found.push(itemConflictError(ctx, items.conflict));
  if (ctx.items > 0) {
    const images = await firstImageConflict(ctx, found[0]?.line ?? Infinity);
    if (images) found.push(images);
  } else {
    const missing = await firstStagedOutputWithoutItem(tx, { studyId });
    if (missing) {
      found.push(
        FileRecordError.field(
          ctx.displayName,
          missing.line,
          'item',
          `expected the id of an item in this study; there is no item '${missing.item}'`,
        ),
      );
    }
  }
  if (outputs.conflict) found.push(outputConflictError(ctx, outputs.conflict));
  const error = found.reduce<FileRecordError | null>(
    (first, e) => (first === null || (e.line as number) < (first.line as number) ? e : first),
    null,
  );
  return { error, items: items?.existing ?? 0, outputs: outputs.existing };
}

/** Writes the images of the items just inserted, a page of items at a time. */
async function writeNewImages(ctx: MergeContext): Promise<number> {
  let created = 0;
  let rows: NewItemImage[] = [];
  let bytes = 0;
  const flush = async () => {
    await insertItemImages(ctx.tx, rows);
    created += rows.length;
    rows = [];
    bytes = 0;
  };
  for (let afterLine = 0; ;) {
    const page = await stagedImagesOfNewItems(ctx.tx, {
      studyId: ctx.studyId,
      afterLine,
      limit: IMAGE_PAGE,
    });
    if (page.length === 0) break;
    for (const staged of page) {
      for (const [position, img] of (await loadImages(ctx, staged)).entries()) {
        rows.push({
          itemId: staged.itemId,
          position,
          mime: img.mime,
          sha256: img.sha256,
          bytes: img.bytes,
          byteLength: img.bytes.length,
        });
        bytes += img.bytes.length;
        if (bytes >= IMAGE_CHUNK_BYTES || rows.length >= IMAGE_CHUNK_ROWS) await flush();
      }
    }
    afterLine = page[page.length - 1]!.line;
  }
  await flush();
  return created;
}

/**
 * Merges the staged file into the study: every conflict with stored records is looked for first
 * (the first by line is thrown, and the caller's transaction rolls back), then the new items, their
 * images and the new outputs are inserted by set-based statements. Another import of the same
 * records may commit meanwhile (inserts skip what it wrote): if fewer rows went in than the check
 * expected, the check runs again, over what is now stored.
 */
export async function mergeStaging(ctx: MergeContext): Promise<WriteCounts> {
  const { tx, studyId, systemIds: systems } = ctx;
  await analyzeStaging(tx);
  const before = await firstConflict(ctx);
  if (before.error) throw before.error;
  // a re-import of stored records has nothing to insert
  const itemsCreated = before.items < ctx.items ? await insertStagedItems(tx, { studyId }) : 0;
  const imagesCreated = itemsCreated > 0 ? await writeNewImages(ctx) : 0;
  const outputsCreated =
    before.outputs < ctx.outputs ? await insertStagedOutputs(tx, { studyId, systems }) : 0;
  const raced =
    before.items + itemsCreated < ctx.items || before.outputs + outputsCreated < ctx.outputs;
  if (raced) {
    const after = await firstConflict(ctx);
    if (after.error) throw after.error;
  }
  return { itemsCreated, outputsCreated, imagesCreated };
}
