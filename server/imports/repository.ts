import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Gold, ItemSummary } from '../../shared/admin-views.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { imports, itemImages, items } from '../db/schema/index.ts';

export type NewItemImage = typeof itemImages.$inferInsert;

export async function insertItemImages(db: Tx, rows: NewItemImage[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(itemImages).values(rows);
}

/** A page of a study's items: text filter, gold filter, paging. */
export interface ItemListQuery {
  studyId: string;
  q?: string | undefined;
  gold?: boolean | undefined;
  limit: number;
  offset: number;
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

// An import is staged, then merged. The file's checked records are COPied into a temporary table
// of the transaction (`import_rows`: one row per item, one per output, each with its file line),
// then compared with what is stored and merged by a few set-based statements. A re-import is
// compared in the database without moving the stored rows to the server, and writes nothing.

/** The staging table's columns, in the order `copyRow` writes them. */
export const STAGING_COLUMNS = [
  'line',
  'pos',
  'item',
  'system',
  'question',
  'reference',
  'modality',
  'metadata',
  'images',
  'trace',
  'answer',
] as const;

/**
 * The staging table, dropped at the end of the transaction. An item row has no system; an output
 * row has one, `pos` its place among its record's outputs; `images` is a JSON array or null.
 */
export async function createStaging(db: Tx): Promise<void> {
  await db.execute(sql`
    create temporary table import_rows (
      line int not null, pos int not null, item text not null, system text,
      question text, reference text, modality text, metadata jsonb, images jsonb,
      trace text, answer text
    ) on commit drop`);
}

/** Statistics for the planner: the merge joins a table it knows nothing about otherwise. */
export async function analyzeStaging(db: Tx): Promise<void> {
  await db.execute(sql`analyze import_rows`);
}

/** The study's systems as a relation `y(name, id)` for the merge's joins. */
function systemsRelation(systems: Map<string, string>): SQL {
  return sql`unnest(${sql.param([...systems.keys()])}::text[], ${sql.param([...systems.values()])}::uuid[]) as y(name, id)`;
}

export interface StagedConflict {
  line: number;
  item: string;
  field: string;
  system?: string;
}

/**
 * Staged items already stored: how many, and the first (by line) whose fields differ, with the
 * first differing field in record order.
 */
export async function checkStagedItems(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<{ existing: number; conflict: StagedConflict | null }> {
  const differs = sql`(i.question <> s.question or i.reference is distinct from s.reference
    or i.modality is distinct from s.modality or i.metadata <> s.metadata)`;
  const [row] = await queryRows<{ existing: number; line: number | null }>(
    db,
    sql`
    select count(*)::int as existing, min(s.line) filter (where ${differs})::int as line
    from import_rows s join items i on i.study_id = ${studyId} and i.external_id = s.item
    where s.system is null`,
  );
  if (!row || row.line === null) return { existing: row?.existing ?? 0, conflict: null };
  const [detail] = await queryRows<StagedConflict>(
    db,
    sql`
    select s.line, s.item, case when i.question <> s.question then 'question'
      when i.reference is distinct from s.reference then 'reference'
      when i.modality is distinct from s.modality then 'modality' else 'metadata' end as field
    from import_rows s join items i on i.study_id = ${studyId} and i.external_id = s.item
    where s.system is null and s.line = ${row.line}`,
  );
  return { existing: row.existing, conflict: detail ?? null };
}

export interface StagedImages {
  line: number;
  item: string;
  itemId: string;
  /** The record's image references, in order. */
  images: string[];
  /** The stored images' SHA-256 digests, by position (empty for a new item). */
  stored: string[];
}

/**
 * Staged items already stored that have images on either side, by line: what the re-import must
 * compare image by image (only digests travel, not the stored bytes).
 */
export async function stagedImagesOfStoredItems(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<StagedImages[]> {
  const rows = await queryRows<{
    line: number;
    item: string;
    item_id: string;
    images: string[] | null;
    stored: string[] | null;
  }>(
    db,
    sql`
    select s.line, s.item, i.id as item_id, s.images,
      (select array_agg(m.sha256 order by m.position) from item_images m where m.item_id = i.id) as stored
    from import_rows s join items i on i.study_id = ${studyId} and i.external_id = s.item
    where s.system is null
      and (s.images is not null or exists (select 1 from item_images m where m.item_id = i.id))
    order by s.line`,
  );
  return rows.map((r) => ({
    line: r.line,
    item: r.item,
    itemId: r.item_id,
    images: r.images ?? [],
    stored: r.stored ?? [],
  }));
}

/**
 * Inserts the staged items not yet stored; returns how many it inserted. ON CONFLICT checks the
 * unique index before it writes anything, so a stored item costs one index probe, no write.
 */
export async function insertStagedItems(db: Tx, { studyId }: { studyId: string }) {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`
    with inserted as (
      insert into items (study_id, external_id, question, reference, modality, metadata)
      select ${studyId}::uuid, s.item, s.question, s.reference, s.modality, s.metadata
      from import_rows s
      where s.system is null
      on conflict (study_id, external_id) do nothing
      returning 1)
    select count(*)::int as n from inserted`,
  );
  return row?.n ?? 0;
}

/**
 * Staged items with images whose item has none stored (those just inserted: a stored item's
 * images were compared before), by line, a page after `afterLine`.
 */
export async function stagedImagesOfNewItems(
  db: Tx,
  { studyId, afterLine, limit }: { studyId: string; afterLine: number; limit: number },
): Promise<StagedImages[]> {
  const rows = await queryRows<{ line: number; item: string; item_id: string; images: string[] }>(
    db,
    sql`
    select s.line, s.item, i.id as item_id, s.images
    from import_rows s join items i on i.study_id = ${studyId} and i.external_id = s.item
    where s.system is null and s.images is not null and s.line > ${afterLine}
      and not exists (select 1 from item_images m where m.item_id = i.id)
    order by s.line limit ${limit}`,
  );
  return rows.map((r) => ({
    line: r.line,
    item: r.item,
    itemId: r.item_id,
    images: r.images,
    stored: [],
  }));
}

/** The first staged output (by line) whose item is not in the study. */
export async function firstStagedOutputWithoutItem(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<{ line: number; item: string } | null> {
  const [row] = await queryRows<{ line: number; item: string }>(
    db,
    sql`
    select s.line, s.item from import_rows s
    where s.system is not null
      and not exists (select 1 from items i where i.study_id = ${studyId} and i.external_id = s.item)
    order by s.line, s.pos limit 1`,
  );
  return row ?? null;
}

/**
 * Staged outputs already stored: how many, and the first (by line, then place in its record)
 * whose trace or answer differs.
 */
export async function checkStagedOutputs(
  db: Tx,
  { studyId, systems }: { studyId: string; systems: Map<string, string> },
): Promise<{ existing: number; conflict: StagedConflict | null }> {
  const from = sql`from import_rows s
    join items i on i.study_id = ${studyId} and i.external_id = s.item
    join ${systemsRelation(systems)} on y.name = s.system
    join outputs o on o.item_id = i.id and o.system_id = y.id
    where s.system is not null`;
  const [row] = await queryRows<{ existing: number; line: number | null }>(
    db,
    sql`
    select count(*)::int as existing,
      min(s.line) filter (where o.trace <> s.trace or o.answer <> s.answer)::int as line
    ${from}`,
  );
  if (!row || row.line === null) return { existing: row?.existing ?? 0, conflict: null };
  const [detail] = await queryRows<StagedConflict>(
    db,
    sql`
    select s.line, s.item, s.system, case when o.trace <> s.trace then 'trace' else 'answer' end as field
    ${from} and s.line = ${row.line} and (o.trace <> s.trace or o.answer <> s.answer)
    order by s.pos limit 1`,
  );
  return { existing: row.existing, conflict: detail ?? null };
}

/** Inserts the staged outputs not yet stored (their items are); returns how many it inserted. */
export async function insertStagedOutputs(
  db: Tx,
  { studyId, systems }: { studyId: string; systems: Map<string, string> },
) {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`
    with inserted as (
      insert into outputs (item_id, system_id, trace, answer, trace_length, answer_length)
      select i.id, y.id, s.trace, s.answer, char_length(s.trace), char_length(s.answer)
      from import_rows s
      join items i on i.study_id = ${studyId} and i.external_id = s.item
      join ${systemsRelation(systems)} on y.name = s.system
      where s.system is not null
      on conflict (item_id, system_id) do nothing
      returning 1)
    select count(*)::int as n from inserted`,
  );
  return row?.n ?? 0;
}
