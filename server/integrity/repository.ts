/**
 * Integrity owns integrity_words, output_flags and comparison_holds (server/db/schema/integrity.ts):
 * the only SQL that writes them. It reads imports' outputs and items (the texts it scans),
 * studies' systems and judging's comparisons (which comparisons show a flagged output) in joins,
 * each said where it is done.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows, sqlList, type Tx } from '../db/client.ts';
import {
  integrityWords,
  outputFlags,
  type FlagStatus,
  type StoredMatch,
} from '../db/schema/index.ts';

export type { FlagStatus, StoredMatch };

export async function listWords(db: Tx, { studyId }: { studyId: string }): Promise<string[]> {
  const rows = await db
    .select({ word: integrityWords.word })
    .from(integrityWords)
    .where(eq(integrityWords.studyId, studyId))
    .orderBy(asc(integrityWords.word));
  return rows.map((r) => r.word);
}

export async function insertWord(
  db: Tx,
  { studyId, word }: { studyId: string; word: string },
): Promise<void> {
  await db.insert(integrityWords).values({ studyId, word }).onConflictDoNothing();
}

export async function deleteWord(
  db: Tx,
  { studyId, word }: { studyId: string; word: string },
): Promise<boolean> {
  const rows = await db
    .delete(integrityWords)
    .where(and(eq(integrityWords.studyId, studyId), eq(integrityWords.word, word)))
    .returning({ id: integrityWords.id });
  return rows.length > 0;
}

/** An output to scan, with its flag's decision and redaction when it has one. */
export interface ScanInputRow {
  outputId: string;
  trace: string;
  answer: string;
  status: FlagStatus | null;
  redactedTrace: string | null;
  redactedAnswer: string | null;
}

/**
 * A study's outputs to scan, a page at a time, with their flag if any, leaving out those already
 * read with the scanner `signature` (null: none left out): a read of imports' outputs and items
 * (the texts scanned). One query through a cursor, so the study's outputs are gathered once,
 * whatever the plan: paged with a keyset instead, each page was planned on the statistics the
 * tables had before the import (a bulk load inside the transaction has none yet) and read every
 * remaining output of the study again (a 100k-item import spent 10 s of its 21 s there, growing
 * with the square of the size). Must run inside a transaction (the caller's: an import, a
 * pairing, a rescan); an abandoned cursor goes with it.
 */
export async function* scanInputPages(
  db: Tx,
  { studyId, pageSize, signature }: { studyId: string; pageSize: number; signature: string | null },
): AsyncGenerator<ScanInputRow[]> {
  const cursor = sql.raw(`integrity_scan_${randomBytes(6).toString('hex')}`);
  await db.execute(sql`
    declare ${cursor} no scroll cursor for
    select o.id as output_id, o.trace, o.answer, f.status, f.redacted_trace, f.redacted_answer
    from items i join outputs o on o.item_id = i.id
    left join output_flags f on f.output_id = o.id
    ${signature === null ? sql`` : sql`left join output_scans sc on sc.output_id = o.id`}
    where i.study_id = ${studyId}::uuid
      ${signature === null ? sql`` : sql`and sc.signature is distinct from ${signature}`}
    order by i.external_id, o.system_id`);
  for (;;) {
    const rows = await queryRows<{
      output_id: string;
      trace: string;
      answer: string;
      status: FlagStatus | null;
      redacted_trace: string | null;
      redacted_answer: string | null;
    }>(db, sql`fetch ${sql.raw(String(Math.trunc(pageSize)))} from ${cursor}`);
    if (rows.length === 0) break;
    yield rows.map((r) => ({
      outputId: r.output_id,
      trace: r.trace,
      answer: r.answer,
      status: r.status,
      redactedTrace: r.redacted_trace,
      redactedAnswer: r.redacted_answer,
    }));
  }
  await db.execute(sql`close ${cursor}`);
}

/** How many outputs the study has: a read of imports' outputs and items. */
export async function countOutputs(db: Tx, { studyId }: { studyId: string }): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from outputs o join items i on i.id = o.item_id where i.study_id = ${studyId}::uuid`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Writes the flags of a scanned page: new ones held, existing ones keep their decision and get the new matches. */
export async function upsertFlags(
  db: Tx,
  {
    studyId,
    flags,
  }: { studyId: string; flags: Array<{ outputId: string; matches: StoredMatch[] }> },
): Promise<void> {
  if (flags.length === 0) return;
  await db
    .insert(outputFlags)
    .values(flags.map((f) => ({ outputId: f.outputId, studyId, matches: f.matches })))
    .onConflictDoUpdate({
      target: outputFlags.outputId,
      set: { matches: sql`excluded.matches`, scannedAt: sql`now()` },
    });
}

/** Puts flags back on hold (a redaction that the scan now flags, with a new word). */
export async function holdAgain(db: Tx, { outputIds }: { outputIds: string[] }): Promise<void> {
  if (outputIds.length === 0) return;
  await db.execute(
    sql`update output_flags set status = 'held', decided_at = null where output_id in (${sqlList(outputIds)})`,
  );
}

/** Records that these outputs were read with the scanner `signature`. */
export async function markScanned(
  db: Tx,
  { studyId, outputIds, signature }: { studyId: string; outputIds: string[]; signature: string },
): Promise<void> {
  if (outputIds.length === 0) return;
  // the ids as one array parameter: a page of 1,000 as 3,000 parameters cost more to build and
  // parse than to store
  await db.execute(sql`
    insert into output_scans (output_id, study_id, signature)
    select unnest(${sql.param(outputIds)}::uuid[]), ${studyId}::uuid, ${signature}
    on conflict (output_id) do update set signature = excluded.signature`);
}

/** Deletes the flags of outputs that no longer match anything. */
export async function deleteFlags(db: Tx, { outputIds }: { outputIds: string[] }): Promise<void> {
  if (outputIds.length === 0) return;
  await db.execute(sql`delete from output_flags where output_id in (${sqlList(outputIds)})`);
}

/**
 * Rebuilds the study's comparison_holds from its outputs' flags: a comparison that shows a flagged
 * output is excluded if one of them is, else held if one is, else redacted if one is, else
 * released. Reads judging's comparisons and imports' outputs (which comparison shows which output).
 */
export async function refreshHolds(db: Tx, { studyId }: { studyId: string }): Promise<void> {
  await db.execute(sql`delete from comparison_holds where study_id = ${studyId}::uuid`);
  await db.execute(sql`
    insert into comparison_holds (comparison_id, study_id, status)
    select c.id, c.study_id,
      case when bool_or(f.status = 'excluded') then 'excluded'
        when bool_or(f.status = 'held') then 'held'
        when bool_or(f.status = 'redacted') then 'redacted'
        else 'released' end
    from comparisons c
    join outputs o on o.item_id = c.item_id and o.system_id in (c.system_a_id, c.system_b_id)
    join output_flags f on f.output_id = o.id
    where c.study_id = ${studyId}::uuid
    group by c.id, c.study_id`);
}

/** The ids of the study's comparisons the admin excluded (their verdicts count in no report). */
export async function excludedComparisons(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select comparison_id as id from comparison_holds
      where study_id = ${studyId}::uuid and status = 'excluded' order by comparison_id`,
  );
  return rows.map((r) => r.id);
}

export interface FlagRow {
  outputId: string;
  itemExternalId: string;
  systemName: string;
  trace: string;
  answer: string;
  matches: StoredMatch[];
  status: FlagStatus;
  redactedTrace: string | null;
  redactedAnswer: string | null;
  decidedAt: Date | null;
  comparisons: number;
}

/**
 * The study's flagged outputs (or one), by item id as imported and system name: reads imports'
 * outputs and items, studies' systems and judging's comparisons (how many show each output).
 */
export async function listFlags(
  db: Tx,
  { studyId, outputId }: { studyId: string; outputId?: string },
): Promise<FlagRow[]> {
  const rows = await queryRows<{
    output_id: string;
    external_id: string;
    system_name: string;
    trace: string;
    answer: string;
    matches: StoredMatch[];
    status: FlagStatus;
    redacted_trace: string | null;
    redacted_answer: string | null;
    decided_at: Date | string | null;
    comparisons: number;
  }>(
    db,
    sql`
    select f.output_id, i.external_id, s.name as system_name, o.trace, o.answer, f.matches,
      f.status, f.redacted_trace, f.redacted_answer, f.decided_at,
      (select count(*)::int from comparisons c
        where c.item_id = o.item_id and o.system_id in (c.system_a_id, c.system_b_id)) as comparisons
    from output_flags f
    join outputs o on o.id = f.output_id
    join items i on i.id = o.item_id
    join systems s on s.id = o.system_id
    where f.study_id = ${studyId}::uuid ${outputId ? sql`and f.output_id = ${outputId}::uuid` : sql``}
    order by i.external_id, s.name`,
  );
  return rows.map((r) => ({
    outputId: r.output_id,
    itemExternalId: r.external_id,
    systemName: r.system_name,
    trace: r.trace,
    answer: r.answer,
    matches: typeof r.matches === 'string' ? (JSON.parse(r.matches) as StoredMatch[]) : r.matches,
    status: r.status,
    redactedTrace: r.redacted_trace,
    redactedAnswer: r.redacted_answer,
    decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
    comparisons: Number(r.comparisons),
  }));
}

/** Records the admin's decision on a flag (and the redaction, for 'redacted'). */
export async function setDecision(
  db: Tx,
  {
    outputId,
    status,
    redaction,
  }: {
    outputId: string;
    status: FlagStatus;
    redaction: { trace: string; answer: string } | null;
  },
): Promise<void> {
  await db
    .update(outputFlags)
    .set({
      status,
      decidedAt: sql`now()`,
      ...(redaction ? { redactedTrace: redaction.trace, redactedAnswer: redaction.answer } : {}),
    })
    .where(eq(outputFlags.outputId, outputId));
}

export interface HoldCounts {
  system: string;
  held: number;
  released: number;
  redacted: number;
  excluded: number;
}

/**
 * How many of the study's comparisons of each system are held, released, redacted or excluded (a
 * comparison counts for both its systems): reads studies' systems and judging's comparisons.
 */
export async function holdCounts(db: Tx, { studyId }: { studyId: string }): Promise<HoldCounts[]> {
  const rows = await queryRows<{
    system: string;
    held: number;
    released: number;
    redacted: number;
    excluded: number;
  }>(
    db,
    sql`
    select s.name as system,
      count(*) filter (where h.status = 'held')::int as held,
      count(*) filter (where h.status = 'released')::int as released,
      count(*) filter (where h.status = 'redacted')::int as redacted,
      count(*) filter (where h.status = 'excluded')::int as excluded
    from systems s
    left join comparisons c on s.id in (c.system_a_id, c.system_b_id)
    left join comparison_holds h on h.comparison_id = c.id
    where s.study_id = ${studyId}::uuid
    group by s.name
    order by s.name`,
  );
  return rows.map((r) => ({
    system: r.system,
    held: Number(r.held),
    released: Number(r.released),
    redacted: Number(r.redacted),
    excluded: Number(r.excluded),
  }));
}
