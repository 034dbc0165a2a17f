import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { DEFAULT_DB_POOL } from '../config.ts';
import { lockDataDir } from './data-lock.ts';
import { copyTemplate, isFreshDataDir, migrationsFolder } from './pglite-template.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The one database type: PostgreSQL through node-postgres, or embedded PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: repository functions accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface ListenWatch {
  onLost?: (err: Error | undefined) => void;
  onReconnect?: () => void;
}

/** Where the data lives; `pool` is PostgreSQL's connections per process (the config's default when absent). */
export type DbTarget =
  { databaseUrl: string; pool?: number } | { dataDir: string } | { memory: true };

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /**
   * Subscribe to a NOTIFY channel; returns the unsubscribe function. On PostgreSQL the listening
   * connection comes back by itself after the server restarts; notifications sent meanwhile are
   * lost, so `onReconnect` is the moment to re-read whatever they would have announced.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    watch?: ListenWatch,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const MIGRATION_LOCK = 7_351_204_001;

export async function createDatabase(target: DbTarget): Promise<Database> {
  if ('databaseUrl' in target)
    return createPostgres(target.databaseUrl, target.pool ?? DEFAULT_DB_POOL);
  return createPglite('dataDir' in target ? target.dataDir : undefined);
}

async function createPostgres(databaseUrl: string, poolSize: number): Promise<Database> {
  // Each driver is loaded when it is used: a process on PGlite never loads pg, nor one on
  // PostgreSQL the PGlite WebAssembly (and a command that opens no database, neither).
  const [{ default: pg }, { drizzle: drizzlePg }, { migrate: migratePg }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
  ]);
  // keepAlive: a database that vanishes without closing its sockets (a network partition) is
  // noticed by TCP instead of leaving queries hanging; the connect timeout bounds a request's wait.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // A connection error must never crash the process. pg-pool listens on idle clients only (it
  // removes its listener while a client is checked out, e.g. inside a transaction), so each client
  // gets its own listener for life; the query in flight fails with the error and reaches the HTTP
  // edge as a 503, and the pool drops the broken client on release and connects afresh.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const lockClient = await pool.connect();
  try {
    // Several processes may start together on one server: migrate under an advisory lock.
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg(lockClient, { schema }), { migrationsFolder });
  } finally {
    await lockClient
      .query('select pg_advisory_unlock($1)', [MIGRATION_LOCK])
      .catch(() => undefined);
    lockClient.release();
  }
  const listener = new Listener(databaseUrl, pg.Client);
  return {
    db,
    kind: 'postgres',
    listen: (channel, onPayload, watch) => listener.listen(channel, onPayload, watch),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

const RECONNECT_MS = { first: 100, max: 5000 };

/**
 * The one LISTEN connection of a process. When it is lost (the server restarted, the network
 * dropped) it reconnects with exponential backoff and LISTENs again on every channel.
 */
export class Listener {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private readonly watches = new Set<ListenWatch>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly Client: typeof pg.Client,
  ) {}

  async listen(
    channel: string,
    onPayload: (payload: string) => void,
    watch: ListenWatch = {},
  ): Promise<() => Promise<void>> {
    // The first subscription connects now, so a database unreachable at start-up fails the start.
    if (!this.client && !this.timer) this.client = await this.connect();
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      // If the connection is down, the reconnection LISTENs on every channel in the map.
      await this.client?.query(`listen ${quoteIdent(channel)}`).catch(() => undefined);
    }
    set.add(onPayload);
    this.watches.add(watch);
    return async () => {
      set.delete(onPayload);
      this.watches.delete(watch);
    };
  }

  private async connect(): Promise<pg.Client> {
    const client = new this.Client({ connectionString: this.databaseUrl, keepAlive: true });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (msg) => {
      for (const handler of this.handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys())
        await client.query(`listen ${quoteIdent(channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  private lost(client: pg.Client, err: Error | undefined): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    void client.end().catch(() => undefined);
    for (const w of this.watches) w.onLost?.(err);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    // closed while a reconnection was in flight: stop here, or the backoff would run forever
    if (this.closed) return;
    const delay = Math.min(RECONNECT_MS.max, RECONNECT_MS.first * 2 ** this.attempt++);
    this.timer = setTimeout(() => {
      this.connect().then(
        (client) => {
          this.timer = null;
          if (this.closed) return void client.end().catch(() => undefined);
          this.client = client;
          this.attempt = 0;
          for (const w of this.watches) w.onReconnect?.();
        },
        () => this.reconnectLater(),
      );
    }, delay);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.client?.end().catch(() => undefined);
  }
}

async function createPglite(dataDir: string | undefined): Promise<Database> {
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let client: PGlite;
  try {
    // A new folder starts as a copy of the migrated template made at build time
    // (db/pglite-template.ts), when one matches: PGlite's initdb is most of a fresh start.
    if (dataDir && isFreshDataDir(dataDir)) copyTemplate(dataDir);
    client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    async listen(channel, onPayload) {
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async close() {
      await client.close();
      unlock();
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `a, b, c` as bound parameters, for `in (…)` lists. */
export function sqlList(values: readonly unknown[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

/** Runs raw SQL and returns its rows; both drivers answer `{ rows }`. */
export async function queryRows<T>(db: Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const dialect = new PgDialect();

/**
 * Runs a statement of the hot path under a name: on PostgreSQL node-postgres parses it once per
 * connection and then only binds and executes (the judging cycle's statements took longer to plan
 * than to run); PGlite, in process, runs it as is. A name must always carry the same text: build the
 * query from constants, every value a parameter (a nullable one tested with `$n::type is null`).
 */
export async function preparedRows<T>(db: Tx, name: string, query: SQL): Promise<T[]> {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
  const result = (await prepared.execute()) as { rows: T[] };
  return result.rows;
}
