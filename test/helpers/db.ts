import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../server/db/client.ts';
import { adminUrl } from './global-setup.ts';

export type Backend = 'pglite' | 'postgres';

/** The backends every integration test runs on: PGlite always, PostgreSQL when reachable (always in CI). */
export function backends(): Backend[] {
  return inject('postgres') ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase extends Database {
  /** The PostgreSQL URL of this file's own database (postgres backend only). */
  url?: string;
  destroy(): Promise<void>;
}

/** A fresh, migrated database for one test file: in-memory PGlite, or a clone of the template. */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await createDatabase({ memory: true });
    return { ...database, destroy: () => database.close() };
  }
  const name = `ta_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
  } finally {
    await admin.end();
  }
  const url = adminUrl(name);
  const database = await createDatabase({ databaseUrl: url });
  return {
    ...database,
    url,
    async destroy() {
      await database.close();
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`).finally(() => c.end());
    },
  };
}
