import type { Command } from 'commander';
import { createInvite, inviteUrl } from '../auth/service.ts';
import {
  addDbOptions,
  CliError,
  configFromOptions,
  parseIntOption,
  publicBaseUrl,
  requireStudy,
  withDatabase,
} from './common.ts';
import { runningServer, serverRequest, studyIdOnServer } from './running-server.ts';

export function register(program: Command): void {
  addDbOptions(
    program
      .command('invite')
      .description('invite a judge: prints an invite URL carrying a fresh token (stored hashed)')
      .requiredOption('--study <name>', 'study name')
      .requiredOption('--name <judge>', "the judge's name, as it appears in exports")
      .option(
        '--quota <n>',
        'the most comparisons this judge is given',
        parseIntOption('--quota', 0),
      )
      .option(
        '--base-url <url>',
        'the server address the link should point to (default: TRACEARENA_PUBLIC_URL, else the address of the server running on this data folder, else http://127.0.0.1:8080)',
      ),
  ).action(
    async (opts: {
      study: string;
      name: string;
      quota?: number;
      baseUrl?: string;
      data?: string;
      databaseUrl?: string;
    }) => {
      // A server holding the embedded database invites through its API; its answer's link
      // carries the address it really serves on.
      const server = runningServer(configFromOptions(opts));
      if (server) {
        const studyId = await studyIdOnServer(server, opts.study);
        const res = await serverRequest(server, `/api/studies/${studyId}/invites`, {
          method: 'POST',
          body: { name: opts.name, ...(opts.quota === undefined ? {} : { quota: opts.quota }) },
        });
        const created = (await res.json()) as { token: string; url: string };
        process.stdout.write(
          `${opts.baseUrl ? inviteUrl(opts.baseUrl, created.token) : created.url}\n`,
        );
        return;
      }
      await withDatabase(opts, async (database, config) => {
        const study = await requireStudy(database, opts.study);
        const created = await createInvite(database.db, {
          studyId: study.id,
          name: opts.name,
          quota: opts.quota,
        });
        if (!created)
          throw new CliError(
            `a judge named '${opts.name}' already exists in study '${study.name}'`,
            2,
          );
        process.stdout.write(
          `${inviteUrl(opts.baseUrl ?? publicBaseUrl(config), created.token)}\n`,
        );
      });
    },
  );
}
