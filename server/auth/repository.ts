/** Auth owns the judges, accounts and study_roles tables: the only SQL over them. */
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { notifyEvent } from '../db/events.ts';
import { accounts, judges, studyRoles } from '../db/schema/index.ts';
import { hashToken, newToken } from './tokens.ts';

export type AccountRow = typeof accounts.$inferSelect;
export type StudyRole = 'owner' | 'viewer';

/** Creates the first server-admin, named 'admin', when there is none; its token in clear only now. */
export async function ensureAdminToken(db: Tx): Promise<string | null> {
  const [row] = await db
    .select({ n: count() })
    .from(accounts)
    .where(and(eq(accounts.serverAdmin, true), isNull(accounts.revokedAt)));
  if ((row?.n ?? 0) > 0) return null;
  const created = await createAccount(db, { name: 'admin', serverAdmin: true });
  return created ? created.token : createAdminToken(db);
}

/** A new server-admin account with a generated name; its token in clear only now. */
export async function createAdminToken(db: Tx): Promise<string> {
  // base64url characters are all allowed in an account name
  const name = `admin-${newToken('admin').slice(-10)}`;
  const created = await createAccount(db, { name, serverAdmin: true });
  return created!.token;
}

/**
 * A fresh token for the server-admin account `name`, created when there is none (the demo's admin
 * link, a running server's local token): the earlier token of that account stops working, so
 * restarts do not pile up accounts. A non-admin account of that name is left alone and a
 * generated name used instead.
 */
export async function rotateAdminToken(db: Tx, { name }: { name: string }): Promise<string> {
  const token = newToken('admin');
  const [row] = await db
    .insert(accounts)
    .values({ name, serverAdmin: true, tokenHash: hashToken(token) })
    .onConflictDoUpdate({
      target: accounts.name,
      set: { tokenHash: hashToken(token), revokedAt: null },
      setWhere: eq(accounts.serverAdmin, true),
    })
    .returning({ id: accounts.id });
  return row ? token : createAdminToken(db);
}

/** A named account and its token (in clear only now); null when the name is taken. */
export async function createAccount(
  db: Tx,
  { name, serverAdmin }: { name: string; serverAdmin: boolean },
): Promise<{ account: AccountRow; token: string } | null> {
  const token = newToken(serverAdmin ? 'admin' : 'user');
  const [account] = await db
    .insert(accounts)
    .values({ name, serverAdmin, tokenHash: hashToken(token) })
    .onConflictDoNothing({ target: accounts.name })
    .returning();
  return account ? { account, token } : null;
}

/**
 * The account holding this token, revoked or not (the caller tells the two apart), and its role on
 * `studyId` when one is named: one statement for a study-scoped admin request.
 */
export async function getAccountByToken(
  db: Tx,
  { token, studyId }: { token: string; studyId?: string | undefined },
): Promise<{ account: AccountRow; role: StudyRole | null } | null> {
  const [row] = await db
    .select({ account: accounts, role: studyRoles.role })
    .from(accounts)
    .leftJoin(
      studyRoles,
      studyId === undefined
        ? sql`false`
        : and(eq(studyRoles.accountId, accounts.id), eq(studyRoles.studyId, studyId)),
    )
    .where(eq(accounts.tokenHash, hashToken(token)));
  return row ?? null;
}

export async function getAccountByName(db: Tx, { name }: { name: string }) {
  const [row] = await db.select().from(accounts).where(eq(accounts.name, name));
  return row ?? null;
}

/** A server-admin's token that still works (the local token of a running server, the dashboard). */
export async function isAdminToken(db: Tx, { token }: { token: string }): Promise<boolean> {
  const account = (await getAccountByToken(db, { token }))?.account;
  return account !== undefined && account.serverAdmin && account.revokedAt === null;
}

/** Records a use of the account now (the caller throttles: see authenticateAccount). */
export async function touchAccount(db: Tx, { id }: { id: string }): Promise<void> {
  await db
    .update(accounts)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(accounts.id, id));
}

export async function listAccounts(db: Tx) {
  return db.select().from(accounts).orderBy(asc(accounts.createdAt), asc(accounts.name));
}

/**
 * Revokes an account: its token stops working on the next request, and the 'access-revoked'
 * event (delivered on commit, to every process) closes its open dashboards.
 */
export async function revokeAccount(db: Tx, { name }: { name: string }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(accounts)
      .set({ revokedAt: sql`coalesce(${accounts.revokedAt}, now())` })
      .where(eq(accounts.name, name))
      .returning();
    if (!row) return null;
    await notifyEvent(tx, { type: 'access-revoked', studyId: '*', accountId: row.id });
    return row;
  });
}

/** The studies the account holds a role on. */
export async function studyIdsOf(db: Tx, { accountId }: { accountId: string }) {
  const rows = await db
    .select({ studyId: studyRoles.studyId })
    .from(studyRoles)
    .where(eq(studyRoles.accountId, accountId));
  return rows.map((r) => r.studyId);
}

/** Grants (or changes) a role; `grantedBy` names who did it ('account:<name>' or 'cli'). */
export async function grantRole(
  db: Tx,
  {
    studyId,
    accountId,
    role,
    grantedBy,
  }: { studyId: string; accountId: string; role: StudyRole; grantedBy: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ role: studyRoles.role })
      .from(studyRoles)
      .where(and(eq(studyRoles.studyId, studyId), eq(studyRoles.accountId, accountId)))
      .for('update');
    await tx
      .insert(studyRoles)
      .values({ studyId, accountId, role, grantedBy })
      .onConflictDoUpdate({
        target: [studyRoles.studyId, studyRoles.accountId],
        set: { role, grantedBy, grantedAt: sql`now()` },
      });
    // an owner made a viewer loses change rights now: its open dashboards reconnect and re-check.
    // Only when a role changed: a first grant takes nothing away, and its event, delivered after
    // the account had opened a dashboard, closed that dashboard for nothing (the authorization
    // test saw it under load: a new viewer's first snapshot never came, closed with 4401).
    if (before !== undefined && before.role !== role)
      await notifyEvent(tx, { type: 'access-revoked', studyId, accountId });
  });
}

/** Removes a role; true when there was one. */
export async function removeRole(
  db: Tx,
  { studyId, accountId }: { studyId: string; accountId: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(studyRoles)
      .where(and(eq(studyRoles.studyId, studyId), eq(studyRoles.accountId, accountId)))
      .returning({ accountId: studyRoles.accountId });
    if (rows.length > 0) await notifyEvent(tx, { type: 'access-revoked', studyId, accountId });
    return rows.length > 0;
  });
}

/** A study's people and their roles. */
export async function listRoles(db: Tx, { studyId }: { studyId: string }) {
  return db
    .select({
      name: accounts.name,
      role: studyRoles.role,
      grantedBy: studyRoles.grantedBy,
      grantedAt: studyRoles.grantedAt,
      revoked: sql<boolean>`${accounts.revokedAt} is not null`,
    })
    .from(studyRoles)
    .innerJoin(accounts, eq(accounts.id, studyRoles.accountId))
    .where(eq(studyRoles.studyId, studyId))
    .orderBy(asc(accounts.name));
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
