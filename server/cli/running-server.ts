import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isAdminToken, rotateAdminToken } from '../auth/service.ts';
import { readServerToken, type Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import { isProcessAlive } from '../process-alive.ts';
import type { Database } from '../db/client.ts';
import {
  CliError,
  configFromOptions,
  requireStudy,
  withDatabase,
  type DbOptions,
} from './common.ts';

/**
 * The embedded database (PGlite) belongs to one process: while `serve` or `demo` holds the data
 * folder, another CLI process cannot open it. So a serving process records, in the data folder,
 * where it listens and an admin token for local use (`server.json`, readable by its owner only:
 * whoever can read it can read the database files beside it anyway), and the study verbs
 * (`report`, `export`, `invite`, `import`, …) talk to that server instead. The URL also gives `invite` the port actually served.
 */
const recordSchema = z.object({
  pid: z.number().int(),
  url: z.string().url(),
  adminToken: z.string(),
});
/** A server the CLI talks to: a local one's pid, or null for one named by `--server`. */
export type RunningServer = Omit<z.infer<typeof recordSchema>, 'pid'> & { pid: number | null };

/** The account of a running server's local token (server.json). */
export const LOCAL_ACCOUNT = 'local-cli';

const recordPath = (config: Config) => join(config.dataDir, 'server.json');

function readRecord(config: Config): z.infer<typeof recordSchema> | null {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(recordPath(config), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Records this serving process (embedded database only); the record goes when the process exits.
 * The local admin token belongs to the server-admin account 'local-cli': kept while it is still
 * valid, else that account's token is rotated (one account, however many restarts).
 */
export async function recordRunningServer(config: Config, db: Tx, url: string): Promise<void> {
  if (config.databaseUrl) return;
  const previous = readRecord(config)?.adminToken;
  const adminToken =
    previous && (await isAdminToken(db, { token: previous }))
      ? previous
      : await rotateAdminToken(db, { name: LOCAL_ACCOUNT });
  const path = recordPath(config);
  writeFileSync(path, `${JSON.stringify({ pid: process.pid, url, adminToken })}\n`, {
    mode: 0o600,
  });
  chmodSync(path, 0o600);
  process.once('exit', () => {
    if (readRecord(config)?.pid !== process.pid) return;
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  });
}

/**
 * The server a verb works through: the one named by `--server`/TRACEARENA_SERVER (with the person's
 * own token), else the one holding this configuration's embedded database, when one is running;
 * null: the verb opens the database itself.
 */
export function serverFor(opts: DbOptions): RunningServer | null {
  const config = configFromOptions(opts);
  if (config.serverUrl) {
    const adminToken = opts.token ?? readServerToken();
    if (!adminToken)
      throw new CliError(
        `--server ${config.serverUrl}: give your account token in TRACEARENA_TOKEN or --token`,
        2,
      );
    return { pid: null, url: config.serverUrl.replace(/\/$/, ''), adminToken };
  }
  if (config.databaseUrl) return null;
  const record = readRecord(config);
  return record && record.pid !== process.pid && isProcessAlive(record.pid) ? record : null;
}

/**
 * A request to the running server as admin; a refusal becomes one CLI line with its message.
 * `body` goes as JSON; `form` as multipart (fetch streams its file-backed Blobs, see `import`).
 */
export async function serverRequest(
  server: RunningServer,
  path: string,
  init: { method?: string; body?: unknown; form?: FormData } = {},
): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${server.adminToken}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.form !== undefined
      ? { body: init.form }
      : init.body === undefined
        ? {}
        : { body: JSON.stringify(init.body) }),
  }).catch((err: unknown) => {
    throw new CliError(
      server.pid === null
        ? `the server ${server.url} does not answer: ${(err as Error).message}`
        : `the server holding the data folder (pid ${server.pid}) does not answer at ${server.url}: ${(err as Error).message}`,
    );
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new CliError(
      `${server.url}${path}: ${body.message ?? `HTTP ${res.status}`}`,
      res.status < 500 ? 2 : 1,
    );
  }
  return res;
}

/** The id of the study named `name` on the running server, or the CLI's usual one-line refusal. */
export async function studyIdOnServer(server: RunningServer, name: string): Promise<string> {
  const studies = (await (await serverRequest(server, '/api/studies')).json()) as Array<{
    id: string;
    name: string;
  }>;
  const study = studies.find((s) => s.name === name);
  if (!study)
    throw new CliError(
      `no study named '${name}'${studies.length ? ` (studies: ${studies.map((s) => s.name).join(', ')})` : ''}`,
      2,
    );
  return study.id;
}

/** The lines of a response body, streamed (an export of millions of verdicts keeps memory flat). */
export async function* responseLines(res: Response): AsyncGenerator<string> {
  const { createInterface } = await import('node:readline');
  const { Readable } = await import('node:stream');
  if (!res.body) return;
  const lines = createInterface({
    input: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line !== '') yield line;
}

/**
 * Runs a study's verb where its data is: through the server of serverFor, given the study's id
 * there, else on the database, given the study's row (either way the CLI's one-line refusal when
 * there is no study of that name).
 */
export async function onStudy<T>(
  opts: DbOptions,
  name: string,
  run: {
    server: (server: RunningServer, studyId: string) => Promise<T>;
    database: (
      database: Database,
      study: Awaited<ReturnType<typeof requireStudy>>,
      config: Config,
    ) => Promise<T>;
  },
): Promise<T> {
  const server = serverFor(opts);
  if (server) return run.server(server, await studyIdOnServer(server, name));
  return withDatabase(opts, async (database, config) =>
    run.database(database, await requireStudy(database, name), config),
  );
}
