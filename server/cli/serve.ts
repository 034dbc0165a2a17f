import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { loggerOptions } from '../logging.ts';
import {
  addDbOptions,
  CliError,
  configFromOptions,
  parseIntOption,
  publicBaseUrl,
} from './common.ts';
import { recordRunningServer } from './running-server.ts';

export function adminUrl(base: string, token: string): string {
  return `${base.replace(/\/$/, '')}/admin#token=${token}`;
}

/**
 * The one way the server starts (`tracearena serve`, which `npm start` runs, and `demo`): builds
 * the app, listens, and closes it on SIGINT/SIGTERM. Its structured logs (one JSON line
 * per request, errors with their code, secrets redacted) go to stderr, so stdout keeps the lines
 * a person reads: the address and the admin link.
 */
export async function startServer(
  config: Config,
  { logLevel = config.logLevel }: { logLevel?: string } = {},
): Promise<FastifyInstance> {
  // Loaded here, not at the top: `tracearena --help` registers every verb and should not pay
  // for Fastify and the whole server to print a line about this one.
  const { buildApp } = await import('../app.ts');
  const app = await buildApp({ config, logger: loggerOptions({ logLevel }, process.stderr) });
  await app.listen({ port: config.port, host: config.host }).catch(async (err: unknown) => {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(
        `${config.host}:${config.port} is already in use: choose another with --port`,
        2,
      );
    }
    throw err;
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app.close().then(() => process.exit(0));
    });
  }
  return app;
}

export function register(program: Command): void {
  addDbOptions(
    program
      .command('serve')
      .description('serve the judging pages, the admin pages and the API')
      // No commander defaults: an absent flag leaves PORT / HOST (else 8080 / 127.0.0.1) to config.ts.
      .option(
        '--port <port>',
        'port to listen on (default: PORT, else 8080)',
        parseIntOption('--port'),
      )
      .option('--host <host>', 'address to listen on (default: HOST, else 127.0.0.1)')
      .option('--new-admin-token', 'mint and print another admin token'),
  ).action(
    async (opts: {
      port?: number;
      host?: string;
      data?: string;
      databaseUrl?: string;
      newAdminToken?: boolean;
    }) => {
      const config = configFromOptions(opts);
      const app = await startServer(config);
      const { createAdminToken, ensureAdminToken } = await import('../auth/service.ts');
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const base = publicBaseUrl({ ...config, port });
      const token =
        (await ensureAdminToken(app.db)) ??
        (opts.newAdminToken ? await createAdminToken(app.db) : null);
      // lets report, export and invite reach this server while it holds the embedded database
      await recordRunningServer(config, app.db, base);
      process.stdout.write(`TraceArena listening on ${base} (${app.database.kind})\n`);
      if (token) process.stdout.write(`admin: ${adminUrl(base, token)}\n`);
      else
        process.stdout.write(
          'admin: use the admin URL printed on first start, or restart with --new-admin-token\n',
        );
    },
  );
}
