import type { Command } from 'commander';
import type { Account, StudyRoleEntry } from '../../shared/admin-api.ts';
import {
  addAccount,
  grantStudyRole,
  listAccounts,
  listStudyRoles,
  removeStudyRole,
  revokeAccount,
} from '../auth/service.ts';
import {
  addDbOptions,
  addServerOptions,
  CliError,
  configFromOptions,
  requireStudy,
  withDatabase,
  type DbOptions,
} from './common.ts';
import {
  runningServer,
  serverRequest,
  studyIdOnServer,
  type RunningServer,
} from './running-server.ts';

/**
 * `tracearena user …`: named accounts and their roles on studies (docs/roles.md). Works on the
 * database, or through a server (a local one holding the data folder, or `--server` with your own
 * token: then the server checks that you may, as the admin page does).
 */
type Opts = DbOptions;

const WHO = 'cli';

function serverOf(opts: Opts): RunningServer | null {
  return runningServer(configFromOptions(opts), opts);
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function accountLine(a: Account): string {
  const role = a.serverAdmin ? 'server-admin' : 'member';
  const used = a.lastUsedAt ? `last used ${a.lastUsedAt}` : 'never used';
  return `${a.name}\t${role}\tcreated ${a.createdAt}\t${used}${a.revoked ? '\trevoked' : ''}`;
}

async function add(name: string, opts: Opts & { role?: string }): Promise<void> {
  if (opts.role !== undefined && opts.role !== 'server-admin')
    throw new CliError(`option '--role': expected server-admin, got '${opts.role}'`, 2);
  const serverAdmin = opts.role === 'server-admin';
  const server = serverOf(opts);
  let token: string;
  if (server) {
    const res = await serverRequest(server, '/api/accounts', {
      method: 'POST',
      body: { name, serverAdmin },
    });
    token = ((await res.json()) as { token: string }).token;
  } else {
    token = await withDatabase(opts, async ({ db }) =>
      addAccount(db, { name, serverAdmin }).then((c) => c.token),
    );
  }
  process.stderr.write(
    `account '${name}' created${serverAdmin ? ' (server-admin)' : ''}; its token, shown only now:\n`,
  );
  process.stdout.write(`${token}\n`);
}

async function list(opts: Opts): Promise<void> {
  const server = serverOf(opts);
  const accounts: Account[] = server
    ? ((await (await serverRequest(server, '/api/accounts')).json()) as Account[])
    : await withDatabase(opts, async ({ db }) =>
        (await listAccounts(db)).map((a) => ({
          name: a.name,
          serverAdmin: a.serverAdmin,
          createdAt: iso(a.createdAt)!,
          lastUsedAt: iso(a.lastUsedAt),
          revoked: a.revokedAt !== null,
        })),
      );
  for (const a of accounts) process.stdout.write(`${accountLine(a)}\n`);
}

async function revoke(name: string, opts: Opts): Promise<void> {
  const server = serverOf(opts);
  if (server)
    await serverRequest(server, `/api/accounts/${encodeURIComponent(name)}/revoke`, {
      method: 'POST',
    });
  else await withDatabase(opts, async ({ db }) => revokeAccount(db, { name }));
  process.stderr.write(`account '${name}' revoked: its token no longer works\n`);
}

async function grant(name: string, opts: Opts & { study: string; role: string }): Promise<void> {
  if (opts.role !== 'owner' && opts.role !== 'viewer')
    throw new CliError(`option '--role': expected owner or viewer, got '${opts.role}'`, 2);
  const role = opts.role;
  const server = serverOf(opts);
  if (server) {
    const studyId = await studyIdOnServer(server, opts.study);
    await serverRequest(server, `/api/studies/${studyId}/roles/${encodeURIComponent(name)}`, {
      method: 'PUT',
      body: { role },
    });
  } else {
    await withDatabase(opts, async (database) => {
      const study = await requireStudy(database, opts.study);
      await grantStudyRole(database.db, { studyId: study.id, name, role, grantedBy: WHO });
    });
  }
  process.stderr.write(`'${name}' is now ${role} of study '${opts.study}'\n`);
}

async function ungrant(name: string, opts: Opts & { study: string }): Promise<void> {
  const server = serverOf(opts);
  if (server) {
    const studyId = await studyIdOnServer(server, opts.study);
    await serverRequest(server, `/api/studies/${studyId}/roles/${encodeURIComponent(name)}`, {
      method: 'DELETE',
    });
  } else {
    await withDatabase(opts, async (database) => {
      const study = await requireStudy(database, opts.study);
      await removeStudyRole(database.db, { studyId: study.id, name });
    });
  }
  process.stderr.write(`'${name}' has no role on study '${opts.study}' any more\n`);
}

async function roles(opts: Opts & { study: string }): Promise<void> {
  const server = serverOf(opts);
  const entries: StudyRoleEntry[] = server
    ? ((await (
        await serverRequest(
          server,
          `/api/studies/${await studyIdOnServer(server, opts.study)}/roles`,
        )
      ).json()) as StudyRoleEntry[])
    : await withDatabase(opts, async (database) => {
        const study = await requireStudy(database, opts.study);
        return (await listStudyRoles(database.db, { studyId: study.id })).map((r) => ({
          ...r,
          grantedAt: iso(r.grantedAt)!,
        }));
      });
  for (const r of entries)
    process.stdout.write(
      `${r.name}\t${r.role}\tgranted by ${r.grantedBy} ${r.grantedAt}${r.revoked ? '\trevoked' : ''}\n`,
    );
}

const withOptions = (cmd: Command) => addServerOptions(addDbOptions(cmd));

export function register(program: Command): void {
  const user = program
    .command('user')
    .description(
      'named accounts and their roles on studies: add, list, revoke, grant, ungrant, roles (docs/roles.md)',
    );
  withOptions(
    user
      .command('add <name>')
      .description('create an account; prints its token once (store it: it is kept only hashed)')
      .option('--role <role>', 'server-admin: sees and changes every study, manages accounts'),
  ).action(add);
  withOptions(user.command('list').description('every account, with its last use')).action(list);
  withOptions(
    user.command('revoke <name>').description('stop an account’s token working, at once'),
  ).action(revoke);
  withOptions(
    user
      .command('grant <name>')
      .description('give an account a role on a study: owner (everything) or viewer (read only)')
      .requiredOption('--study <name>', 'study name')
      .requiredOption('--role <role>', 'owner or viewer'),
  ).action(grant);
  withOptions(
    user
      .command('ungrant <name>')
      .description('remove an account’s role on a study')
      .requiredOption('--study <name>', 'study name'),
  ).action(ungrant);
  withOptions(
    user
      .command('roles')
      .description('the people of a study and their roles')
      .requiredOption('--study <name>', 'study name'),
  ).action(roles);
}
