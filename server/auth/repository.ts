/** Auth owns the judges and admin_tokens tables: the only SQL over them. */
import { and, count, eq, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { notifyEvent } from '../db/events.ts';
import { adminTokens, judges } from '../db/schema/index.ts';
import { hashToken, newToken } from './tokens.ts';

/** Creates the first admin token when there is none; returns it in clear only that once. */
export async function ensureAdminToken(db: Tx): Promise<string | null> {
  const [row] = await db.select({ n: count() }).from(adminTokens);
  if ((row?.n ?? 0) > 0) return null;
  return createAdminToken(db);
}

export async function createAdminToken(db: Tx): Promise<string> {
  const token = newToken('admin');
  await db.insert(adminTokens).values({ tokenHash: hashToken(token) });
  return token;
}

export async function isAdminToken(db: Tx, { token }: { token: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: adminTokens.id })
    .from(adminTokens)
    .where(eq(adminTokens.tokenHash, hashToken(token)));
  return row !== undefined;
}

export async function getJudgeByToken(db: Tx, { token }: { token: string }) {
  const [row] = await db
    .select()
    .from(judges)
    .where(eq(judges.tokenHash, hashToken(token)));
  return row ?? null;
}

export async function createInvite(
  db: Tx,
  { studyId, name, quota }: { studyId: string; name: string; quota?: number | undefined },
) {
  const token = newToken('judge');
  const [judge] = await db
    .insert(judges)
    .values({ studyId, kind: 'human', name, quota: quota ?? null, tokenHash: hashToken(token) })
    .onConflictDoNothing()
    .returning();
  return judge ? { judge, token } : null;
}

/** Many human judges in one statement; returns those created (a name taken in the study is skipped). */
export async function createInvites(
  db: Tx,
  { studyId, names, quota }: { studyId: string; names: string[]; quota?: number | undefined },
) {
  if (names.length === 0) return [];
  const tokens = new Map(names.map((name) => [name, newToken('judge')]));
  const rows = await db
    .insert(judges)
    .values(
      [...tokens].map(([name, token]) => ({
        studyId,
        kind: 'human' as const,
        name,
        quota: quota ?? null,
        tokenHash: hashToken(token),
      })),
    )
    .onConflictDoNothing()
    .returning();
  return rows.map((judge) => ({ judge, token: tokens.get(judge.name)! }));
}

/**
 * A fresh token for an existing human judge (the old one stops working; revocation is lifted).
 * Announces the old token's end as a 'judge-revoked' event, delivered on commit, so every
 * process drops the judge from its token cache.
 */
export async function reissueInvite(
  db: Tx,
  { studyId, name }: { studyId: string; name: string },
): Promise<{ judgeId: string; token: string } | null> {
  const token = newToken('judge');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(judges)
      .set({ tokenHash: hashToken(token), revokedAt: null })
      .where(and(eq(judges.studyId, studyId), eq(judges.name, name), eq(judges.kind, 'human')))
      .returning({ id: judges.id });
    if (!row) return null;
    await notifyEvent(tx, { type: 'judge-revoked', studyId, judgeId: row.id });
    return { judgeId: row.id, token };
  });
}

/** Revokes a judge, announced as for a reissue: whoever revokes, every process hears it. */
export async function revokeJudge(db: Tx, { judgeId }: { judgeId: string }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(judges)
      .set({ revokedAt: new Date() })
      .where(eq(judges.id, judgeId))
      .returning();
    if (!row) return null;
    await notifyEvent(tx, { type: 'judge-revoked', studyId: row.studyId, judgeId });
    return row;
  });
}

/** An LLM judge is its model and verdict-affecting settings: the same ones reuse the same judge row. */
export async function upsertLlmJudge(
  db: Tx,
  { studyId, name, config }: { studyId: string; name: string; config: Record<string, unknown> },
): Promise<string> {
  const [row] = await db
    .insert(judges)
    .values({ studyId, kind: 'llm', name, config })
    .onConflictDoUpdate({ target: [judges.studyId, judges.kind, judges.name], set: { config } })
    .returning({ id: judges.id });
  if (!row) throw new Error('judge upsert returned nothing');
  return row.id;
}

/**
 * The study's judges with their verdict counts. Reads judging's verdicts table in a subquery: the
 * count per judge is one index lookup here, where asking judging would be one query per judge.
 */
export async function listJudgeSummaries(db: Tx, { studyId }: { studyId: string }) {
  return queryRows<{
    id: string;
    name: string;
    kind: 'human' | 'llm';
    quota: number | null;
    revoked: boolean;
    verdicts: number;
  }>(
    db,
    sql`
    select j.id, j.name, j.kind, j.quota, j.revoked_at is not null as revoked,
      (select count(*)::int from verdicts v where v.judge_id = j.id) as verdicts
    from judges j where j.study_id = ${studyId} order by j.created_at`,
  );
}
