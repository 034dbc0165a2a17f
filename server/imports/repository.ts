import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { imports, itemImages, type items, type outputs } from '../db/schema/index.ts';

export type NewItem = typeof items.$inferInsert & { metadata: Record<string, unknown> };
export type NewItemImage = typeof itemImages.$inferInsert;
export type NewOutput = typeof outputs.$inferInsert & { answer: string };

// Bulk statements pass one array per column through unnest(): a handful of parameters per batch
// instead of thousands, which keeps both the query builder and the server's parser out of the
// way (drizzle's multi-row VALUES builder cost more CPU than PostgreSQL did at 450k rows).

export interface UpsertOutcome {
  /** The row's id (items only): the new one, or the one already stored. */
  id: string | null;
  created: boolean;
  /** For a row that already existed: the first column whose stored value differs, else null. */
  conflict: string | null;
}

/**
 * Inserts the items that are new and, in the same statement, compares the others with what is
 * stored (the main query does not see the CTE's inserts, so `old` is only what existed before).
 * One round trip per batch, and only a few bytes per row come back. Results are in input order.
 */
export async function upsertItems(
  db: Tx,
  { studyId, rows }: { studyId: string; rows: NewItem[] },
): Promise<UpsertOutcome[]> {
  if (rows.length === 0) return [];
  return queryRows<UpsertOutcome>(
    db,
    sql`
    with input as (
      select * from unnest(
        ${sql.param(rows.map((r) => r.externalId))}::text[],
        ${sql.param(rows.map((r) => r.question))}::text[],
        ${sql.param(rows.map((r) => r.reference ?? null))}::text[],
        ${sql.param(rows.map((r) => r.modality ?? null))}::text[],
        ${sql.param(rows.map((r) => JSON.stringify(r.metadata)))}::jsonb[]
      ) with ordinality as u(external_id, question, reference, modality, metadata, ord)
    ), inserted as (
      insert into items (study_id, external_id, question, reference, modality, metadata)
      select ${studyId}::uuid, external_id, question, reference, modality, metadata from input order by ord
      on conflict (study_id, external_id) do nothing
      returning id, external_id
    )
    select coalesce(inserted.id, old.id) as id,
           inserted.id is not null as created,
           case when inserted.id is not null then null
                when old.id is null then 'id'
                when old.question is distinct from input.question then 'question'
                when old.reference is distinct from input.reference then 'reference'
                when old.modality is distinct from input.modality then 'modality'
                when old.metadata is distinct from input.metadata then 'metadata'
           end as conflict
    from input
    left join inserted on inserted.external_id = input.external_id
    left join items old on inserted.id is null and old.study_id = ${studyId}::uuid and old.external_id = input.external_id
    order by input.ord`,
  );
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

/** Inserts the outputs that are new and compares the others with what is stored, in input order. */
export async function upsertOutputs(db: Tx, rows: NewOutput[]): Promise<UpsertOutcome[]> {
  if (rows.length === 0) return [];
  return queryRows<UpsertOutcome>(
    db,
    sql`
    with input as (
      select * from unnest(
        ${sql.param(rows.map((r) => r.itemId))}::uuid[],
        ${sql.param(rows.map((r) => r.systemId))}::uuid[],
        ${sql.param(rows.map((r) => r.trace))}::text[],
        ${sql.param(rows.map((r) => r.answer))}::text[],
        ${sql.param(rows.map((r) => r.traceLength))}::int[],
        ${sql.param(rows.map((r) => r.answerLength))}::int[]
      ) with ordinality as u(item_id, system_id, trace, answer, trace_length, answer_length, ord)
    ), inserted as (
      insert into outputs (item_id, system_id, trace, answer, trace_length, answer_length)
      select item_id, system_id, trace, answer, trace_length, answer_length from input order by ord
      on conflict (item_id, system_id) do nothing
      returning item_id, system_id
    )
    select null::uuid as id,
           inserted.item_id is not null as created,
           case when inserted.item_id is not null then null
                when old.trace is distinct from input.trace then 'trace'
                when old.answer is distinct from input.answer then 'answer'
           end as conflict
    from input
    left join inserted on inserted.item_id = input.item_id and inserted.system_id = input.system_id
    left join outputs old on inserted.item_id is null and old.item_id = input.item_id and old.system_id = input.system_id
    order by input.ord`,
  );
}

export async function insertImport(db: Tx, row: typeof imports.$inferInsert): Promise<string> {
  const [created] = await db.insert(imports).values(row).returning({ id: imports.id });
  if (!created) throw new Error('insert into imports returned nothing');
  return created.id;
}
