import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createInvite, inviteJudges, inviteUrl } from '../auth/service.ts';
import { numberedJudgeNames } from '../auth/judge-names.ts';
import { judgeNameSchema } from '../../shared/import-records.ts';
import { Errors } from '../errors.ts';
import {
  addDbOptions,
  addServerOptions,
  CliError,
  parseIntOption,
  publicBaseUrl,
  type DbOptions,
} from './common.ts';
import { onStudy, serverRequest, type RunningServer } from './running-server.ts';

interface InviteOptions extends DbOptions {
  study: string;
  name?: string;
  count?: number;
  names?: string;
  quota?: number;
  baseUrl?: string;
}

/** A judge's name as the study stores it (trimmed), or a one-line error naming where it came from. */
function judgeName(raw: string, where: string): string {
  const parsed = judgeNameSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new CliError(
    `${where}: ${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'not a name'}`,
    2,
  );
}

/** The judges to invite: one `--name`, `--count` numbered ones, or a `--names` file's lines. */
type Who = { name: string } | { count: number } | { names: string[] };

async function who(opts: InviteOptions): Promise<Who> {
  const given = [opts.name, opts.count, opts.names].filter((v) => v !== undefined).length;
  if (given !== 1) throw new CliError('give exactly one of --name, --count or --names', 2);
  if (opts.name !== undefined) return { name: judgeName(opts.name, '--name') };
  if (opts.count !== undefined) return { count: opts.count };
  const text = await readFile(opts.names!, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError(
      `--names ${opts.names}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      2,
    );
  });
  const names = text
    .split(/\r?\n/)
    .flatMap((line, i) => (line.trim() === '' ? [] : [judgeName(line, `${opts.names}:${i + 1}`)]));
  if (names.length === 0) throw new CliError(`--names ${opts.names}: no names in the file`, 2);
  return { names };
}

/**
 * A server holding the embedded database invites through its API, one request per judge (the
 * API has no bulk route; a judge already there stops the run at that name). Its answers' links
 * carry the address it really serves on.
 */
async function inviteOnServer(
  server: RunningServer,
  studyId: string,
  opts: InviteOptions,
  whom: Who,
) {
  let names: string[];
  if ('name' in whom) names = [whom.name];
  else if ('names' in whom) names = whom.names;
  else {
    const res = await serverRequest(server, `/api/studies/${studyId}/judges`);
    const judges = (await res.json()) as Array<{ name: string }>;
    names = numberedJudgeNames(
      judges.map((j) => j.name),
      whom.count,
    );
  }
  for (const name of names) {
    const res = await serverRequest(server, `/api/studies/${studyId}/invites`, {
      method: 'POST',
      body: { name, ...(opts.quota === undefined ? {} : { quota: opts.quota }) },
    });
    const created = (await res.json()) as { token: string; url: string };
    process.stdout.write(
      `${opts.baseUrl ? inviteUrl(opts.baseUrl, created.token) : created.url}\n`,
    );
  }
}

export function register(program: Command): void {
  addServerOptions(
    addDbOptions(
      program
        .command('invite')
        .description(
          'invite judges: prints one invite URL per judge, each carrying a fresh token (stored hashed)',
        )
        .requiredOption('--study <name>', 'study name')
        .option('--name <judge>', "the judge's name, as it appears in exports")
        .option(
          '--count <n>',
          "invite N judges named judge-<n>, numbered on from the study's highest, in one transaction",
          parseIntOption('--count', 1),
        )
        .option(
          '--names <file>',
          'invite one judge per line of FILE (blank lines skipped), in one transaction',
        )
        .option(
          '--quota <n>',
          'the most comparisons each judge is given',
          parseIntOption('--quota', 0),
        )
        .option(
          '--base-url <url>',
          'the server address the link should point to (default: TRACEARENA_PUBLIC_URL, else the address of the server running on this data folder, else http://127.0.0.1:8080)',
        ),
    ),
  ).action(async (opts: InviteOptions) => {
    const whom = await who(opts);
    await onStudy(opts, opts.study, {
      server: (server, studyId) => inviteOnServer(server, studyId, opts, whom),
      database: async (database, study, config) => {
        const base = opts.baseUrl ?? publicBaseUrl(config);
        if ('name' in whom) {
          const created = await createInvite(database.db, {
            studyId: study.id,
            name: whom.name,
            quota: opts.quota,
          });
          if (!created)
            throw new CliError(
              `a judge named '${whom.name}' already exists in study '${study.name}'`,
              2,
            );
          process.stdout.write(`${inviteUrl(base, created.token)}\n`);
          return;
        }
        const created = await inviteJudges(database.db, {
          studyId: study.id,
          quota: opts.quota,
          ...whom,
        }).catch((err: unknown) => {
          // a repeated or taken name is bad input: the CLI's exit 2, nothing created
          if (err instanceof Errors.BadRequest) throw new CliError(err.message, 2);
          throw err;
        });
        process.stdout.write(created.map((c) => `${inviteUrl(base, c.token)}\n`).join(''));
      },
    });
  });
}
