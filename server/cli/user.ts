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
  withDatabase,
  type DbOptions,
} from './common.ts';
import { onStudy, serverFor, serverRequest } from './running-server.ts';

/**
 * `tracearena user …`: named accounts and their roles on studies (docs/roles.md). Works on the
 * database, or through a server (a local one holding the data folder, or `--server` with your own
 * token: then the server checks that you may, as the admin page does).
 */
type Opts = DbOptions;

const WHO = 'cli';

function accountLine(a: Account): string {
  const role = a.serverAdmin ? 'server-admin' : 'member';
  const used = a.lastUsedAt ? `last used ${a.lastUsedAt}` : 'never used';
  return `${a.name}\t${role}\tcreated ${a.createdAt}\t${used}${a.revoked ? '\trevoked' : ''}`;
}

async function add(name: string, opts: Opts & { role?: string }): Promise<void> {
  if (opts.role !== undefined && opts.role !== 'server-admin')
    throw new CliError(`option '--role': expected server-admin, got '${opts.role}'`, 2);
  const serverAdmin = opts.role === 'server-admin';
  const server = serverFor(opts);
  const { token } = server
    ? ((await (
        await serverRequest(server, '/api/accounts', {
          method: 'POST',
          body: { name, serverAdmin },
        })
      ).json()) as { token: string })
    : await withDatabase(opts, ({ db }) => addAccount(db, { name, serverAdmin }));
  process.stderr.write(
    `account '${name}' created${serverAdmin ? ' (server-admin)' : ''}; its token, shown only now:\n`,
  );
  process.stdout.write(`${token}\n`);
}

async function list(opts: Opts): Promise<void> {
  const server = serverFor(opts);
  const accounts: Account[] = server
    ? ((await (await serverRequest(server, '/api/accounts')).json()) as Account[])
    : await withDatabase(opts, async ({ db }) => listAccounts(db));
  for (const a of accounts) process.stdout.write(`${accountLine(a)}\n`);
}

async function revoke(name: string, opts: Opts): Promise<void> {
  const server = serverFor(opts);
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
  await onStudy(opts, opts.study, {
    server: async (server, studyId) => {
      await serverRequest(server, `/api/studies/${studyId}/roles/${encodeURIComponent(name)}`, {
        method: 'PUT',
        body: { role },
      });
    },
    database: ({ db }, study) =>
      grantStudyRole(db, { studyId: study.id, name, role, grantedBy: WHO }),
  });
  process.stderr.write(`'${name}' is now ${role} of study '${opts.study}'\n`);
}

async function ungrant(name: string, opts: Opts & { study: string }): Promise<void> {
  await onStudy(opts, opts.study, {
    server: async (server, studyId) => {
      await serverRequest(server, `/api/studies/${studyId}/roles/${encodeURIComponent(name)}`, {
        method: 'DELETE',
      });
    },
    database: ({ db }, study) => removeStudyRole(db, { studyId: study.id, name }),
  });
  process.stderr.write(`'${name}' has no role on study '${opts.study}' any more\n`);
}

async function roles(opts: Opts & { study: string }): Promise<void> {
  const entries = await onStudy(opts, opts.study, {
    server: async (server, studyId) =>
      (await (
        await serverRequest(server, `/api/studies/${studyId}/roles`)
      ).json()) as StudyRoleEntry[],
    database: ({ db }, study) => listStudyRoles(db, { studyId: study.id }),
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
