import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import pgCopy from 'pg-copy-streams';
import type { Tx } from '../db/client.ts';

/**
 * COPY … FROM STDIN into a table of the transaction's own connection, on both backends: rows go in
 * as COPY's text format (`copyRow`). On PostgreSQL they stream through pg-copy-streams; PGlite
 * takes COPY only from a blob (`FROM '/dev/blob'`), so there they go in blobs of a few MiB, one
 * COPY each, which keeps memory flat whatever the file's size.
 */
export interface CopySink {
  /** One row, as `copyRow` writes it. */
  write(row: string): Promise<void>;
  /** Sends what is left and ends the COPY. */
  end(): Promise<void>;
  /** Abandons the COPY (a bad record was found) so the transaction can roll back. */
  abort(err: Error): Promise<void>;
}

/** Text sent to the database at once: large enough to amortise, small enough to stay flat. */
const PG_CHUNK_CHARS = 1 << 18;
const PGLITE_BLOB_CHARS = 8 << 20;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;

/** A field in COPY's text format: null as `\N`, the four special characters escaped. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c] as string) : value;
}

/** One row in COPY's text format (NUL never reaches here: every text is checked for it first). */
export function copyRow(fields: Array<string | number | null>): string {
  return `${fields.map(copyField).join('\t')}\n`;
}

/**
 * The driver's own client behind a drizzle transaction: node-postgres' pooled client, or PGlite's
 * transaction. COPY has no drizzle builder, and it must run on the transaction's connection.
 */
function driverClient(tx: Tx): pg.PoolClient | PGliteTx {
  return (tx._.session as unknown as { client: pg.PoolClient | PGliteTx }).client;
}

type PGliteTx = Pick<PGlite, 'query'>;

function isPg(client: pg.PoolClient | PGliteTx): client is pg.PoolClient {
  return typeof (client as pg.PoolClient).release === 'function';
}

/**
 * Whether COPY runs beside this process (PostgreSQL's own server process) rather than on its
 * thread (PGlite's WebAssembly): only then does reading the file while the rows go in overlap.
 */
export function copyRunsAlongside(db: Tx): boolean {
  return typeof (driverClient(db) as Partial<PGliteTx & { exec: unknown }>).exec !== 'function';
}

/** Starts `COPY table (columns) FROM STDIN` on the transaction's connection. */
export async function openCopy(tx: Tx, table: string, columns: string[]): Promise<CopySink> {
  const client = driverClient(tx);
  const target = `${table} (${columns.join(', ')})`;
  return isPg(client) ? pgSink(client, target) : pgliteSink(client, target);
}

function pgSink(client: pg.PoolClient, target: string): CopySink {
  const stream = client.query(pgCopy.from(`copy ${target} from stdin`));
  let failure: Error | null = null;
  stream.on('error', (err: Error) => (failure ??= err));
  let parts: string[] = [];
  let size = 0;
  const flush = async () => {
    if (failure) throw failure;
    if (size === 0) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    if (!stream.write(text)) await once(stream, 'drain');
  };
  return {
    async write(row) {
      parts.push(row);
      size += row.length;
      if (size >= PG_CHUNK_CHARS) await flush();
    },
    async end() {
      await flush();
      stream.end();
      await finished(stream);
    },
    async abort(err) {
      // destroy() sends CopyFail: the server ends the COPY and the connection can roll back
      stream.destroy(err);
      await finished(stream).catch(() => undefined);
    },
  };
}

function pgliteSink(client: PGliteTx, target: string): CopySink {
  let parts: string[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const blob = new Blob(parts);
    parts = [];
    size = 0;
    await client.query(`copy ${target} from '/dev/blob'`, [], { blob });
  };
  return {
    async write(row) {
      parts.push(row);
      size += row.length;
      if (size >= PGLITE_BLOB_CHARS) await flush();
    },
    end: flush,
    async abort() {
      parts = [];
      size = 0;
    },
  };
}
