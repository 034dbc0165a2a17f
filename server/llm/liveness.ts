import { sql } from 'drizzle-orm';
import pg from 'pg';
import { queryRows, type Database } from '../db/client.ts';

const NAMESPACE = 7_351_206;

export interface Liveness {
  /** True when no other worker was alive on the run: its leases and reservations are stale. */
  alone: boolean;
  release(): Promise<void>;
}

/**
 * Tells whether other workers are alive on a run. On PostgreSQL each worker holds a shared advisory
 * lock on the run for its lifetime, on a connection of its own: a worker killed with SIGKILL loses
 * its connection and so its lock at once. A starting worker that can take the lock exclusively is
 * alone, and may reclaim every lease of the run without waiting for them to expire. PGlite is
 * embedded in one process, so a starting worker there is always alone (the caller keeps one worker
 * per run in a process). Without a URL for PostgreSQL, a heartbeat older than `staleSeconds` decides.
 */
export async function joinRun(
  database: Database,
  {
    runId,
    databaseUrl,
    staleSeconds,
    onAlone,
  }: {
    runId: string;
    databaseUrl?: string | undefined;
    staleSeconds: number;
    onAlone: () => Promise<void>;
  },
): Promise<Liveness> {
  if (database.kind === 'pglite') {
    await onAlone();
    return { alone: true, release: async () => undefined };
  }
  if (!databaseUrl) {
    const r = await queryRows<{ stale: boolean }>(
      database.db,
      sql`
      select coalesce(heartbeat_at < now() - make_interval(secs => ${staleSeconds}), true) as stale
      from llm_runs where id = ${runId}`,
    );
    const alone = r[0]?.stale ?? true;
    if (alone) await onAlone();
    return { alone, release: async () => undefined };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  const key = [NAMESPACE, runId] as const;
  let alone: boolean;
  try {
    const exclusive = await client.query<{ ok: boolean }>(
      'select pg_try_advisory_lock($1, hashtext($2)) as ok',
      [...key],
    );
    alone = exclusive.rows[0]?.ok === true;
    if (alone) {
      // Reclaim under the exclusive lock, so that no worker joins in between and loses fresh leases.
      await onAlone();
      // Shared first, then drop the exclusive: there is no moment without a lock.
      await client.query('select pg_advisory_lock_shared($1, hashtext($2))', [...key]);
      await client.query('select pg_advisory_unlock($1, hashtext($2))', [...key]);
    } else {
      await client.query('select pg_advisory_lock_shared($1, hashtext($2))', [...key]);
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    alone,
    async release() {
      await client.end().catch(() => undefined);
    },
  };
}
