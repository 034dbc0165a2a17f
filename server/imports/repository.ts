import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Gold, ItemSummary } from '../../shared/admin-views.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { imports, itemImages, items, type outputs } from '../db/schema/index.ts';

export type NewItem = typeof items.$inferInsert & { metadata: Record<string, unknown> };
export type NewItemImage = typeof itemImages.$inferInsert;
export type NewOutput = typeof outputs.$inferInsert & { answer: string };

// Bulk statements pass one array per column through unnest(): a handful of parameters per batch
// instead of thousands, which keeps both the query builder and the server's parser out of the
// way (drizzle's multi-row VALUES builder cost more CPU than PostgreSQL did at 450k rows).

/** Inserts the items that are new; returns only those (the others already existed). */
export async function insertItemsIfAbsent(
  db: Tx,
  { studyId, rows }: { studyId: string; rows: NewItem[] },
) {
  if (rows.length === 0) return [];
  const created = await queryRows<{ id: string; external_id: string }>(
    db,
    sql`
    insert into items (study_id, external_id, question, reference, modality, metadata)
    select ${studyId}::uuid, u.* from unnest(
      ${sql.param(rows.map((r) => r.externalId))}::text[],
      ${sql.param(rows.map((r) => r.question))}::text[],
      ${sql.param(rows.map((r) => r.reference ?? null))}::text[],
      ${sql.param(rows.map((r) => r.modality ?? null))}::text[],
      ${sql.param(rows.map((r) => JSON.stringify(r.metadata)))}::jsonb[]
    ) as u
    on conflict (study_id, external_id) do nothing
    returning id, external_id`,
  );
  return created.map((r) => ({ id: r.id, externalId: r.external_id }));
}

export async function getItemsByExternalIds(
  db: Tx,
  { studyId, externalIds }: { studyId: string; externalIds: string[] },
) {
  if (externalIds.length === 0) return [];
  const rows = await queryRows<{
    id: string;
    external_id: string;
    question: string;
    reference: string | null;
    modality: string | null;
    metadata: Record<string, unknown>;
  }>(
    db,
    sql`
    select id, external_id, question, reference, modality, metadata from items
    where study_id = ${studyId} and external_id = any(${sql.param(externalIds)}::text[])`,
  );
  return rows.map((r) => ({ ...r, externalId: r.external_id }));
}

export async function getItemIdsByExternalIds(
  db: Tx,
  { studyId, externalIds }: { studyId: string; externalIds: string[] },
) {
  if (externalIds.length === 0) return [];
  const rows = await queryRows<{ id: string; external_id: string }>(
    db,
    sql`
    select id, external_id from items
    where study_id = ${studyId} and external_id = any(${sql.param(externalIds)}::text[])`,
  );
  return rows.map((r) => ({ id: r.id, externalId: r.external_id }));
}

export async function insertItemImages(db: Tx, rows: NewItemImage[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(itemImages).values(rows);
}

export async function getImageHashesByItemIds(db: Tx, { itemIds }: { itemIds: string[] }) {
  if (itemIds.length === 0) return [];
  const rows = await queryRows<{ item_id: string; position: number; sha256: string }>(
    db,
    sql`
    select item_id, position, sha256 from item_images where item_id = any(${sql.param(itemIds)}::uuid[])`,
  );
  return rows.map((r) => ({ itemId: r.item_id, position: r.position, sha256: r.sha256 }));
}

/** Inserts the outputs that are new; returns only those. */
export async function insertOutputsIfAbsent(db: Tx, rows: NewOutput[]) {
  if (rows.length === 0) return [];
  const created = await queryRows<{ item_id: string; system_id: string }>(
    db,
    sql`
    insert into outputs (item_id, system_id, trace, answer, trace_length, answer_length)
    select * from unnest(
      ${sql.param(rows.map((r) => r.itemId))}::uuid[],
      ${sql.param(rows.map((r) => r.systemId))}::uuid[],
      ${sql.param(rows.map((r) => r.trace))}::text[],
      ${sql.param(rows.map((r) => r.answer))}::text[],
      ${sql.param(rows.map((r) => r.traceLength))}::int[],
      ${sql.param(rows.map((r) => r.answerLength))}::int[]
    )
    on conflict (item_id, system_id) do nothing
    returning item_id, system_id`,
  );
  return created.map((r) => ({ itemId: r.item_id, systemId: r.system_id }));
}

/** A page of a study's items: text filter, gold filter, paging. */
export interface ItemListQuery {
  studyId: string;
  q?: string | undefined;
  gold?: boolean | undefined;
  limit: number;
  offset: number;
}

/**
 * Compares re-imported outputs with the stored ones inside the database: only SHA-256 digests
 * travel, not the stored traces. Returns the first row (by position) that is missing or differs,
 * and which field differs.
 */
export async function findFirstOutputMismatch(
  db: Tx,
  rows: Array<{ itemId: string; systemId: string; trace: string; answer: string }>,
): Promise<{ index: number; field: 'missing' | 'trace' | 'answer' } | null> {
  if (rows.length === 0) return null;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const [row] = await queryRows<{ ord: number; field: 'missing' | 'trace' | 'answer' }>(
    db,
    sql`
    select u.ord::int as ord,
      case when o.item_id is null then 'missing'
           when encode(sha256(convert_to(o.trace, 'UTF8')), 'hex') <> u.trace_sha then 'trace'
           else 'answer' end as field
    from unnest(
      ${sql.param(rows.map((r) => r.itemId))}::uuid[],
      ${sql.param(rows.map((r) => r.systemId))}::uuid[],
      ${sql.param(rows.map((r) => digest(r.trace)))}::text[],
      ${sql.param(rows.map((r) => digest(r.answer)))}::text[]
    ) with ordinality as u(item_id, system_id, trace_sha, answer_sha, ord)
    left join outputs o on o.item_id = u.item_id and o.system_id = u.system_id
    where o.item_id is null
      or encode(sha256(convert_to(o.trace, 'UTF8')), 'hex') <> u.trace_sha
      or encode(sha256(convert_to(o.answer, 'UTF8')), 'hex') <> u.answer_sha
    order by u.ord
    limit 1`,
  );
  return row ? { index: row.ord - 1, field: row.field } : null;
}

export async function insertImport(db: Tx, row: typeof imports.$inferInsert): Promise<string> {
  const [created] = await db.insert(imports).values(row).returning({ id: imports.id });
  if (!created) throw new Error('insert into imports returned nothing');
  return created.id;
}

interface ItemRow {
  id: string;
  external_id: string;
  question: string;
  modality: string | null;
  gold: Gold | null;
}

const toItem = (r: ItemRow): ItemSummary => ({
  id: r.id,
  externalId: r.external_id,
  question: r.question,
  modality: r.modality,
  gold: r.gold,
});

export async function listItems(
  db: Tx,
  { studyId, q, gold, limit, offset }: ItemListQuery,
): Promise<{ items: ItemSummary[]; total: number }> {
  const like = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = sql`i.study_id = ${studyId}
    ${like ? sql`and (i.external_id ilike ${like} or i.question ilike ${like})` : sql``}
    ${gold === undefined ? sql`` : gold ? sql`and i.gold is not null` : sql`and i.gold is null`}`;
  const [rows, count] = await Promise.all([
    queryRows<ItemRow>(
      db,
      sql`
      select i.id, i.external_id, left(i.question, 500) as question, i.modality, i.gold
      from items i where ${where}
      order by (i.gold is null), i.external_id limit ${limit} offset ${offset}`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from items i where ${where}`),
  ]);
  return { items: rows.map(toItem), total: count[0]?.n ?? 0 };
}

/** Sets (or clears, with null) an item's gold verdict; null when the item is not in the study. */
export async function setItemGold(
  db: Tx,
  { studyId, itemId, gold }: { studyId: string; itemId: string; gold: Gold | null },
): Promise<ItemSummary | null> {
  const rows = await queryRows<ItemRow>(
    db,
    sql`
    update items set gold = ${gold === null ? null : JSON.stringify(gold)}::jsonb
    where id = ${itemId} and study_id = ${studyId}
    returning id, external_id, left(question, 500) as question, modality, gold`,
  );
  return rows[0] ? toItem(rows[0]) : null;
}

/** An item image's bytes and type, by its id; null when there is none. */
export async function getImage(db: Tx, { id }: { id: string }) {
  const [image] = await db
    .select({ mime: itemImages.mime, bytes: itemImages.bytes })
    .from(itemImages)
    .where(eq(itemImages.id, id));
  return image ?? null;
}

/** Sets the same gold verdict on the study's items with these ids (the demo's seeding). */
export async function setGoldByExternalIds(
  db: Tx,
  { studyId, externalIds, gold }: { studyId: string; externalIds: string[]; gold: Gold },
): Promise<void> {
  await db
    .update(items)
    .set({ gold })
    .where(and(eq(items.studyId, studyId), inArray(items.externalId, externalIds)));
}

export interface OutputTextRow {
  itemId: string;
  externalId: string;
  systemId: string;
  trace: string;
  answer: string;
}

/**
 * A page of a study's outputs with their item's id as imported, in (item id as imported, system)
 * order after the keyset `after` (null: from the start). The identity-leak scan reads a study
 * through it a page at a time.
 */
export async function listOutputTexts(
  db: Tx,
  {
    studyId,
    after,
    limit,
  }: {
    studyId: string;
    after: { externalId: string; systemId: string } | null;
    limit: number;
  },
): Promise<OutputTextRow[]> {
  const rows = await queryRows<{
    item_id: string;
    external_id: string;
    system_id: string;
    trace: string;
    answer: string;
  }>(
    db,
    sql`
    select o.item_id, i.external_id, o.system_id, o.trace, o.answer
    from outputs o join items i on i.id = o.item_id
    where i.study_id = ${studyId}
      ${after ? sql`and (i.external_id, o.system_id) > (${after.externalId}, ${after.systemId}::uuid)` : sql``}
    order by i.external_id, o.system_id
    limit ${limit}`,
  );
  return rows.map((r) => ({
    itemId: r.item_id,
    externalId: r.external_id,
    systemId: r.system_id,
    trace: r.trace,
    answer: r.answer,
  }));
}
