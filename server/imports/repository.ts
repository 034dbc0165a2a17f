import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { imports, itemImages, items, outputs } from '../db/schema/index.ts';

export type NewItem = typeof items.$inferInsert;
export type NewItemImage = typeof itemImages.$inferInsert;
export type NewOutput = typeof outputs.$inferInsert;

/** Inserts the items that are new; returns only those (the others already existed). */
export async function insertItemsIfAbsent(db: Tx, rows: NewItem[]) {
  if (rows.length === 0) return [];
  return db
    .insert(items)
    .values(rows)
    .onConflictDoNothing({ target: [items.studyId, items.externalId] })
    .returning({ id: items.id, externalId: items.externalId });
}

export async function getItemsByExternalIds(db: Tx, { studyId, externalIds }: { studyId: string; externalIds: string[] }) {
  if (externalIds.length === 0) return [];
  return db
    .select({
      id: items.id,
      externalId: items.externalId,
      question: items.question,
      reference: items.reference,
      modality: items.modality,
      metadata: items.metadata,
    })
    .from(items)
    .where(and(eq(items.studyId, studyId), inArray(items.externalId, externalIds)));
}

export async function getItemIdsByExternalIds(db: Tx, { studyId, externalIds }: { studyId: string; externalIds: string[] }) {
  if (externalIds.length === 0) return [];
  return db
    .select({ id: items.id, externalId: items.externalId })
    .from(items)
    .where(and(eq(items.studyId, studyId), inArray(items.externalId, externalIds)));
}

export async function insertItemImages(db: Tx, rows: NewItemImage[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(itemImages).values(rows);
}

export async function getImageHashesByItemIds(db: Tx, { itemIds }: { itemIds: string[] }) {
  if (itemIds.length === 0) return [];
  return db
    .select({ itemId: itemImages.itemId, position: itemImages.position, sha256: itemImages.sha256 })
    .from(itemImages)
    .where(inArray(itemImages.itemId, itemIds));
}

/** Inserts the outputs that are new; returns only those. */
export async function insertOutputsIfAbsent(db: Tx, rows: NewOutput[]) {
  if (rows.length === 0) return [];
  return db
    .insert(outputs)
    .values(rows)
    .onConflictDoNothing({ target: [outputs.itemId, outputs.systemId] })
    .returning({ itemId: outputs.itemId, systemId: outputs.systemId });
}

export async function getOutputsByItemIds(db: Tx, { itemIds }: { itemIds: string[] }) {
  if (itemIds.length === 0) return [];
  return db
    .select({ itemId: outputs.itemId, systemId: outputs.systemId, trace: outputs.trace, answer: outputs.answer })
    .from(outputs)
    .where(inArray(outputs.itemId, itemIds));
}

export async function insertImport(db: Tx, row: typeof imports.$inferInsert): Promise<string> {
  const [created] = await db.insert(imports).values(row).returning({ id: imports.id });
  if (!created) throw new Error('insert into imports returned nothing');
  return created.id;
}
