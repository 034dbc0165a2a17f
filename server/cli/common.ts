import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { configWithOverrides, databaseTarget, type Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { CliError } from './cli-error.ts';

export { CliError };

export interface DbOptions {
  data?: string;
  databaseUrl?: string;
  /** A server to work through instead of the database (`--server`, TRACEARENA_SERVER). */
  server?: string;
  token?: string;
}

/**
 * `--server URL` and `--token T` for the verbs that read or change a study through the API, so a
 * person without database access works with their own account and role (the token is better in
 * TRACEARENA_TOKEN: a flag shows in the process list).
 */
export function addServerOptions(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'work through this TraceArena server (default: TRACEARENA_SERVER)')
    .option('--token <token>', 'your account token for --server (default: TRACEARENA_TOKEN)');
}

export function addDbOptions(cmd: Command): Command {
  return cmd
    .option(
      '--data <dir>',
      'PGlite data folder, used when no DATABASE_URL is set (default ./.tracearena)',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL URL (default: the DATABASE_URL environment variable)',
    );
}

export function configFromOptions(opts: DbOptions & { port?: number; host?: string }): Config {
  return configWithOverrides({
    serverUrl: opts.server,
    databaseUrl: opts.databaseUrl,
    dataDir: opts.data,
    port: opts.port,
    host: opts.host,
  });
}

export function parseIntOption(name: string, min = 0) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new CliError(`option '${name}': expected an integer >= ${min}, got '${value}'`, 2);
    return n;
  };
}

/** Looks a study up by name, failing with the list of known names. */
export async function requireStudy(database: Database, name: string) {
  const { getStudyByName, listStudies } = await import('../studies/service.ts');
  const study = await getStudyByName(database.db, { name });
  if (!study) {
    const names = (await listStudies(database.db)).map((s) => s.name);
    throw new CliError(
      `no study named '${name}'${names.length ? ` (studies: ${names.join(', ')})` : ''}`,
      2,
    );
  }
  return study;
}

/** Runs `fn` with an open database and always closes it. */
export async function withDatabase<T>(
  opts: DbOptions,
  fn: (database: Database, config: Config) => Promise<T>,
): Promise<T> {
  const config = configFromOptions(opts);
  if (config.serverUrl)
    throw new CliError(
      `this command works on the database, not through a server: unset TRACEARENA_SERVER (${config.serverUrl}) or drop --server`,
      2,
    );
  // loaded here so that verbs without a database (stats) do not load pg and PGlite
  const { createDatabase } = await import('../db/client.ts');
  const database = await createDatabase(databaseTarget(config));
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

export function publicBaseUrl(config: Config): string {
  return (
    config.publicUrl ??
    `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`
  );
}

/**
 * Writes `lines` to the file `out` (else standard output) as they come, minding backpressure; to a
 * file, says on stderr how many `noun` it wrote.
 */
export async function writeLines(
  lines: AsyncIterable<string>,
  { out, noun }: { out?: string | undefined; noun: string },
): Promise<void> {
  const stream: Writable = out ? createWriteStream(out) : process.stdout;
  let n = 0;
  for await (const line of lines) {
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    n++;
  }
  if (out) {
    stream.end();
    await once(stream, 'finish');
    process.stderr.write(`exported ${n} ${noun} to ${out}\n`);
  }
}

/** Each record as one JSON line. */
export async function* jsonLines(records: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const record of records) yield JSON.stringify(record);
}
