import { accountNameSchema, type Account, type StudyRoleEntry } from '../../shared/admin-api.ts';
import type { JudgeQuality } from '../../shared/admin-views.ts';
import { parseEventPayload } from '../db/events.ts';
import type { Tx } from '../db/client.ts';
import type { judges } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { getJudgeQuality as readJudgeQuality } from '../readmodel/judge-quality.ts';
import { requireStudy } from '../studies/service.ts';
import { numberedJudgeNames } from './judge-names.ts';
import { judgeCacheOf } from './judge-cache.ts';
import * as repo from './repository.ts';
import { bearerToken, hashToken } from './tokens.ts';

/** A judge of a study: a human with an invite token, or an LLM with its settings. */
export type JudgeRow = typeof judges.$inferSelect;

/** The invite link a judge opens: the page reads the token from the fragment and drops it from the address bar. */
export function inviteUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/$/, '')}/judge#token=${token}`;
}

/** Creates the first admin token when there is none; returns it in clear only that once. */
export async function ensureAdminToken(db: Tx): Promise<string | null> {
  return repo.ensureAdminToken(db);
}

/** A new admin token, returned in clear only now (it is stored hashed). */
export async function createAdminToken(db: Tx): Promise<string> {
  return repo.createAdminToken(db);
}

/** A fresh token for the named server-admin account (see the repository's rotateAdminToken). */
export async function rotateAdminToken(db: Tx, { name }: { name: string }): Promise<string> {
  return repo.rotateAdminToken(db, { name });
}

export async function isAdminToken(db: Tx, { token }: { token: string }): Promise<boolean> {
  return repo.isAdminToken(db, { token });
}

export async function getJudgeByToken(
  db: Tx,
  { token }: { token: string },
): Promise<JudgeRow | null> {
  return repo.getJudgeByToken(db, { token });
}

/** A person on the admin side: a named account (server-admin, or roles on some studies). */
export type AccountRow = repo.AccountRow;
export type StudyRole = repo.StudyRole;
/** What a request does to a study: read it (dashboard, report, export) or change it. */
export type Access = 'view' | 'change';

/** How old an account's recorded last use may get before a request records a new one. */
const LAST_USE_EVERY_MS = 60_000;

/**
 * The account holding this bearer token and, when the request names a study, its role there (one
 * statement). Judge tokens are refused (403), anything else (401), revoked accounts too: the caller
 * learns why, never whose token it was. The last use is written only once it is a minute old, so
 * most requests write nothing.
 */
export async function authenticateAccount(
  db: Tx,
  authorization: string | undefined,
  { studyId }: { studyId?: string | undefined } = {},
): Promise<{ account: AccountRow; role: StudyRole | null }> {
  const token = bearerToken(authorization);
  if (!token) throw new Errors.Unauthorized();
  const found = await accountByToken(db, { token, studyId });
  if (found) {
    const { id, lastUsedAt } = found.account;
    if (lastUsedAt === null || Date.now() - lastUsedAt.getTime() >= LAST_USE_EVERY_MS)
      await repo.touchAccount(db, { id });
    return found;
  }
  if (await repo.getJudgeByToken(db, { token }))
    throw new Errors.Forbidden('a judge token cannot use admin routes');
  throw new Errors.Unauthorized();
}

/** Does the account see the study: a server-admin sees every study, anyone else those with a role. */
export function seesStudy(account: AccountRow, role: StudyRole | null): boolean {
  return account.serverAdmin || role !== null;
}

/**
 * May this account, holding `role` on a study (null: none), read or change it? A server-admin may
 * do anything; an owner anything on the study; a viewer read it. Anyone else gets the same 404 as
 * for a study that does not exist, so a study's name and existence never leak to people without a
 * role on it.
 */
export function authorizeStudy({
  account,
  role,
  access,
}: {
  account: AccountRow;
  role: StudyRole | null;
  access: Access;
}): void {
  if (!seesStudy(account, role)) throw new Errors.NotFound('study');
  if (access === 'change' && !account.serverAdmin && role !== 'owner')
    throw new Errors.Forbidden('a viewer of this study cannot change it');
}

/** Server-wide changes (creating studies, managing accounts) are for server-admins. */
export function authorizeServerChange(account: AccountRow): void {
  if (!account.serverAdmin) throw new Errors.Forbidden('only a server-admin can do this');
}

/** Which studies the account may see: every study for a server-admin, else those it has a role on. */
export async function visibleStudyIds(
  db: Tx,
  { account }: { account: AccountRow },
): Promise<Set<string> | 'all'> {
  if (account.serverAdmin) return 'all';
  return new Set(await repo.studyIdsOf(db, { accountId: account.id }));
}

/** Who made an admin-side change, as the audit trail and `granted_by` record it. */
export function actorOf(account: AccountRow | null): string {
  return account ? `account:${account.name}` : 'cli';
}

/** An account as the API and the CLI show it (never its token hash). */
function toAccount(row: AccountRow): Account {
  return {
    name: row.name,
    serverAdmin: row.serverAdmin,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
  };
}

/** A new named account (`user add`, the admin page) and its token: 400 when the name is bad or taken. */
export async function addAccount(
  db: Tx,
  { name, serverAdmin }: { name: string; serverAdmin: boolean },
): Promise<Account & { token: string }> {
  const checked = accountNameSchema.safeParse(name);
  if (!checked.success)
    throw new Errors.BadRequest(`account name '${name}': ${checked.error.issues[0]!.message}`);
  const created = await repo.createAccount(db, { name, serverAdmin });
  if (!created) throw new Errors.BadRequest(`an account named '${name}' already exists`);
  return { ...toAccount(created.account), token: created.token };
}

export async function listAccounts(db: Tx): Promise<Account[]> {
  return (await repo.listAccounts(db)).map(toAccount);
}

/** Revokes an account by name (404 when there is none); its token stops working at once. */
export async function revokeAccount(db: Tx, { name }: { name: string }): Promise<Account> {
  const row = await repo.revokeAccount(db, { name });
  if (!row) throw new Errors.NotFound(`account '${name}'`);
  return toAccount(row);
}

/** Grants a role on a study to a named account (404 for an unknown study or account). */
export async function grantStudyRole(
  db: Tx,
  {
    studyId,
    name,
    role,
    grantedBy,
  }: { studyId: string; name: string; role: StudyRole; grantedBy: string },
): Promise<void> {
  await requireStudy(db, { id: studyId });
  const account = await repo.getAccountByName(db, { name });
  if (!account) throw new Errors.NotFound(`account '${name}'`);
  await repo.grantRole(db, { studyId, accountId: account.id, role, grantedBy });
}

/** Removes a named account's role on a study (404 when it had none). */
export async function removeStudyRole(
  db: Tx,
  { studyId, name }: { studyId: string; name: string },
): Promise<void> {
  await requireStudy(db, { id: studyId });
  const account = await repo.getAccountByName(db, { name });
  if (!account || !(await repo.removeRole(db, { studyId, accountId: account.id })))
    throw new Errors.NotFound(`a role for account '${name}'`);
}

export async function listStudyRoles(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<StudyRoleEntry[]> {
  return (await repo.listRoles(db, { studyId })).map((r) => ({
    ...r,
    grantedAt: r.grantedAt.toISOString(),
  }));
}

/**
 * The account behind a token and its role on `studyId`, for the dashboard's websocket (null when
 * the token is not one that works).
 */
export async function accountByToken(
  db: Tx,
  { token, studyId }: { token: string; studyId?: string | undefined },
) {
  const found = await repo.getAccountByToken(db, { token, studyId });
  return found && found.account.revokedAt === null ? found : null;
}

/**
 * The human judge holding this bearer token; admin tokens are refused (403), revoked judges too.
 * A token that passed is kept in the process's judge cache (judge-cache.ts) until it stops working.
 */
export async function authenticateJudge(
  db: Tx,
  authorization: string | undefined,
): Promise<JudgeRow> {
  const token = bearerToken(authorization);
  if (!token) throw new Errors.Unauthorized();
  const cache = judgeCacheOf(db);
  const hash = hashToken(token);
  const cached = cache.get(hash);
  if (cached) return cached;
  const mark = cache.mark();
  const judge = await repo.getJudgeByToken(db, { token });
  if (!judge || judge.kind !== 'human') {
    if (await repo.getAccountByToken(db, { token }))
      throw new Errors.Forbidden('an admin token cannot use judge routes');
    throw new Errors.Unauthorized();
  }
  if (judge.revokedAt) throw new Errors.InviteRevoked();
  cache.remember(hash, judge, mark);
  return judge;
}

/** A study event heard on the events channel: a 'judge-revoked' drops the judge from the cache. */
export function judgeEventReceived(db: Tx, payload: string): void {
  // Most events are verdicts: skip the parse unless the payload can be a revocation.
  if (!payload.includes('judge-revoked')) return;
  const event = parseEventPayload(payload);
  if (event?.type === 'judge-revoked') judgeCacheOf(db).forget(event.judgeId);
}

/** The events listener is lost (false) or back (true): the cache is emptied and, while lost, unused. */
export function judgeEventsListening(db: Tx, listening: boolean): void {
  judgeCacheOf(db).setListening(listening);
}

/** A new human judge and their token (in clear only now); null when the name is taken in the study. */
export async function createInvite(
  db: Tx,
  { studyId, name, quota }: { studyId: string; name: string; quota?: number | undefined },
): Promise<{ judge: JudgeRow; token: string } | null> {
  return repo.createInvite(db, { studyId, name, quota });
}

/** The invite route's creation: the study must exist (404) and the name be free in it (400). */
export async function inviteJudge(
  db: Tx,
  { studyId, name, quota }: { studyId: string; name: string; quota?: number | undefined },
): Promise<{ judge: JudgeRow; token: string }> {
  const study = await requireStudy(db, { id: studyId });
  const created = await repo.createInvite(db, { studyId: study.id, name, quota });
  if (!created) throw new Errors.BadRequest(`a judge named '${name}' already exists in this study`);
  return created;
}

/**
 * Bulk invites (`invite --count N`, `--names FILE`) in one transaction: every judge is created
 * or none is. `count` names them `judge-<n>` after the study's highest such name. A name given
 * twice, or already in the study, is a 400 naming them.
 */
export async function inviteJudges(
  db: Tx,
  {
    studyId,
    quota,
    ...which
  }: { studyId: string; quota?: number | undefined } & ({ names: string[] } | { count: number }),
): Promise<{ name: string; token: string }[]> {
  return db.transaction(async (tx) => {
    const names =
      'names' in which
        ? which.names
        : numberedJudgeNames(
            (await repo.listJudgeSummaries(tx, { studyId })).map((j) => j.name),
            which.count,
          );
    const seen = new Set<string>();
    const repeated = new Set(names.filter((name) => seen.has(name) || !seen.add(name)));
    if (repeated.size > 0)
      throw new Errors.BadRequest(`names given more than once: ${quoted([...repeated])}`);
    const created = await repo.createInvites(tx, { studyId, names, quota });
    if (created.length < names.length) {
      const made = new Set(created.map((c) => c.judge.name));
      throw new Errors.BadRequest(
        `judges already in this study: ${quoted(names.filter((n) => !made.has(n)))}`,
      );
    }
    // in the order given, which is the order the links are printed in
    const tokens = new Map(created.map((c) => [c.judge.name, c.token]));
    return names.map((name) => ({ name, token: tokens.get(name)! }));
  });
}

function quoted(names: string[]): string {
  const shown = names.slice(0, 10).map((n) => `'${n}'`);
  return names.length > 10 ? `${shown.join(', ')} and ${names.length - 10} more` : shown.join(', ');
}

/**
 * A fresh token for an existing human judge (the old one stops working; revocation is lifted).
 * The repository announces it to every process; this one drops the judge from its cache at once.
 */
export async function reissueInvite(
  db: Tx,
  { studyId, name }: { studyId: string; name: string },
): Promise<string | null> {
  const reissued = await repo.reissueInvite(db, { studyId, name });
  if (!reissued) return null;
  judgeCacheOf(db).forget(reissued.judgeId);
  return reissued.token;
}

/**
 * Revokes a judge of this study; a judge of another study is the API's 404, as a missing one.
 * The repository announces it to every process; this one drops the judge from its cache at once.
 */
export async function revokeJudge(
  db: Tx,
  { studyId, judgeId }: { studyId: string; judgeId: string },
): Promise<void> {
  const row = await repo.revokeJudge(db, { judgeId });
  if (row) judgeCacheOf(db).forget(judgeId);
  if (!row || row.studyId !== studyId) throw new Errors.NotFound('judge');
}

export async function listJudgeSummaries(db: Tx, { studyId }: { studyId: string }) {
  return repo.listJudgeSummaries(db, { studyId });
}

/** The LLM judge for this model and settings, created once: the same settings reuse the same row. */
export async function ensureLlmJudge(
  tx: Tx,
  { studyId, name, config }: { studyId: string; name: string; config: Record<string, unknown> },
): Promise<string> {
  return repo.upsertLlmJudge(tx, { studyId, name, config });
}

/** Each judge's gold accuracy, time on task and agreement (the read model's figures); 404 without the study. */
export async function getJudgeQuality(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<JudgeQuality[]> {
  await requireStudy(db, { id: studyId });
  return readJudgeQuality(db, { studyId });
}
