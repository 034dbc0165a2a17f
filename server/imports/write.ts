import {
  charLength,
  jsonEqual,
  type ItemRecord,
  type OutputRecord,
} from '../../shared/import-records.ts';
import type { Tx } from '../db/client.ts';
import { checkImage, loadImage, type LoadedImage } from './images.ts';
import { FileRecordError } from '../files/record-error.ts';
import {
  getImageHashesByItemIds,
  getItemIdsByExternalIds,
  getItemsByExternalIds,
  findFirstOutputMismatch,
  insertItemImages,
  insertItemsIfAbsent,
  insertOutputsIfAbsent,
  type NewItemImage,
  type NewOutput,
} from './repository.ts';

/** Records per batch: large enough to amortise round trips, small enough to keep memory flat. */
export const BATCH_ROWS = 1000;
const OUTPUT_CHUNK = 5000;
/** Image bytes per insert statement, so a batch of large images never becomes one giant query. */
const IMAGE_CHUNK_BYTES = 16 * 1024 * 1024;

export interface WriteContext {
  tx: Tx;
  studyId: string;
  displayName: string;
  baseDir: string;
  systemIds: Map<string, string>;
  counts: { itemsCreated: number; outputsCreated: number; imagesCreated: number };
}

export type ItemEntry = { line: number; record: ItemRecord };
export type OutputEntry = { line: number; record: OutputRecord & { system: string } };

interface PendingOutput {
  line: number;
  field: string;
  itemExternalId: string;
  system: string;
  row: NewOutput;
}

function conflict(ctx: WriteContext, line: number, field: string, what: string): FileRecordError {
  return FileRecordError.field(
    ctx.displayName,
    line,
    field,
    `conflicts with ${what} already stored (re-imported records must be identical)`,
  );
}

async function loadImages(ctx: WriteContext, entry: ItemEntry): Promise<LoadedImage[]> {
  const loaded: LoadedImage[] = [];
  for (let i = 0; i < entry.record.images.length; i++) {
    // checked again: the file may have changed since the validation pass
    const check = await checkImage(entry.record.images[i] as string, ctx.baseDir);
    if (!check.ok)
      throw FileRecordError.field(ctx.displayName, entry.line, `images[${i}]`, check.expected);
    loaded.push(await loadImage(check.ref, check.mime));
  }
  return loaded;
}

async function writeOutputs(ctx: WriteContext, pending: PendingOutput[]): Promise<void> {
  for (let start = 0; start < pending.length; start += OUTPUT_CHUNK) {
    const chunk = pending.slice(start, start + OUTPUT_CHUNK);
    const inserted = await insertOutputsIfAbsent(
      ctx.tx,
      chunk.map((p) => p.row),
    );
    ctx.counts.outputsCreated += inserted.length;
    if (inserted.length === chunk.length) continue;
    const created = new Set(inserted.map((r) => `${r.itemId}|${r.systemId}`));
    const existing = chunk.filter((p) => !created.has(`${p.row.itemId}|${p.row.systemId}`));
    const mismatch = await findFirstOutputMismatch(
      ctx.tx,
      existing.map((p) => p.row),
    );
    if (mismatch) {
      const p = existing[mismatch.index] as PendingOutput;
      const what = `the output of system '${p.system}' for item '${p.itemExternalId}'`;
      const field = mismatch.field === 'answer' ? 'answer' : 'trace';
      throw conflict(ctx, p.line, `${p.field}${field}`, what);
    }
  }
}

function outputRow(itemId: string, systemId: string, trace: string, answer: string): NewOutput {
  return {
    itemId,
    systemId,
    trace,
    answer,
    traceLength: charLength(trace),
    answerLength: charLength(answer),
  };
}

/** Writes one batch of item records (with their images and embedded outputs). */
export async function writeItemBatch(ctx: WriteContext, batch: ItemEntry[]): Promise<void> {
  const inserted = await insertItemsIfAbsent(ctx.tx, {
    studyId: ctx.studyId,
    rows: batch.map(({ record }) => ({
      studyId: ctx.studyId,
      externalId: record.id,
      question: record.question,
      reference: record.reference,
      modality: record.modality,
      metadata: record.metadata,
    })),
  });
  ctx.counts.itemsCreated += inserted.length;
  const idByExternal = new Map(inserted.map((r) => [r.externalId, r.id]));
  const created = new Set(idByExternal.keys());
  const existing = batch.filter((e) => !created.has(e.record.id));

  if (existing.length > 0) {
    const stored = await getItemsByExternalIds(ctx.tx, {
      studyId: ctx.studyId,
      externalIds: existing.map((e) => e.record.id),
    });
    const storedBy = new Map(stored.map((s) => [s.externalId, s]));
    const hashes = await getImageHashesByItemIds(ctx.tx, { itemIds: stored.map((s) => s.id) });
    const hashesBy = new Map<string, string[]>();
    for (const h of hashes) {
      const list = hashesBy.get(h.itemId) ?? [];
      list[h.position] = h.sha256;
      hashesBy.set(h.itemId, list);
    }
    for (const entry of existing) {
      const { record, line } = entry;
      const s = storedBy.get(record.id);
      const what = `item '${record.id}'`;
      if (!s) throw conflict(ctx, line, 'id', what);
      if (s.question !== record.question) throw conflict(ctx, line, 'question', what);
      if (s.reference !== record.reference) throw conflict(ctx, line, 'reference', what);
      if (s.modality !== record.modality) throw conflict(ctx, line, 'modality', what);
      if (!jsonEqual(s.metadata, record.metadata)) throw conflict(ctx, line, 'metadata', what);
      const storedHashes = hashesBy.get(s.id) ?? [];
      if (storedHashes.length !== record.images.length)
        throw conflict(ctx, line, 'images', `the images of ${what}`);
      const loaded = await loadImages(ctx, entry);
      loaded.forEach((img, i) => {
        if (img.sha256 !== storedHashes[i])
          throw conflict(ctx, line, `images[${i}]`, `the image of ${what}`);
      });
      idByExternal.set(record.id, s.id);
    }
  }

  let imageRows: NewItemImage[] = [];
  let imageBytes = 0;
  for (const entry of batch) {
    if (!created.has(entry.record.id)) continue;
    const itemId = idByExternal.get(entry.record.id) as string;
    const loaded = await loadImages(ctx, entry);
    for (const [position, img] of loaded.entries()) {
      imageRows.push({
        itemId,
        position,
        mime: img.mime,
        sha256: img.sha256,
        bytes: img.bytes,
        byteLength: img.bytes.length,
      });
      imageBytes += img.bytes.length;
      if (imageBytes >= IMAGE_CHUNK_BYTES) {
        await insertItemImages(ctx.tx, imageRows);
        ctx.counts.imagesCreated += imageRows.length;
        imageRows = [];
        imageBytes = 0;
      }
    }
  }
  await insertItemImages(ctx.tx, imageRows);
  ctx.counts.imagesCreated += imageRows.length;

  const pending: PendingOutput[] = [];
  for (const { record, line } of batch) {
    const itemId = idByExternal.get(record.id) as string;
    for (const [system, out] of Object.entries(record.outputs)) {
      const systemId = ctx.systemIds.get(system) as string;
      pending.push({
        line,
        field: `outputs.${system}.`,
        itemExternalId: record.id,
        system,
        row: outputRow(itemId, systemId, out.trace, out.answer),
      });
    }
  }
  await writeOutputs(ctx, pending);
}

/** Writes one batch of output records; each must name an item already in the study. */
export async function writeOutputBatch(ctx: WriteContext, batch: OutputEntry[]): Promise<void> {
  const externalIds = [...new Set(batch.map((e) => e.record.item))];
  const found = await getItemIdsByExternalIds(ctx.tx, { studyId: ctx.studyId, externalIds });
  const idByExternal = new Map(found.map((r) => [r.externalId, r.id]));
  const pending: PendingOutput[] = batch.map(({ record, line }) => {
    const itemId = idByExternal.get(record.item);
    if (!itemId) {
      throw FileRecordError.field(
        ctx.displayName,
        line,
        'item',
        `expected the id of an item in this study; there is no item '${record.item}'`,
      );
    }
    const systemId = ctx.systemIds.get(record.system) as string;
    return {
      line,
      field: '',
      itemExternalId: record.item,
      system: record.system,
      row: outputRow(itemId, systemId, record.trace, record.answer),
    };
  });
  await writeOutputs(ctx, pending);
}
