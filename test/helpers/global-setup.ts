import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../server/db/client.ts';

export const TEMPLATE_DB = 'tracearena_template';

/** The PostgreSQL server the integration tests use; PGTEST_URL overrides it. */
export function adminUrl(database = 'postgres'): string {
  const base = process.env.PGTEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: boolean;
  }
}

/** Prepares the database once per run: a migrated template that each test file clones. */
export default async function setup(project: TestProject): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but PostgreSQL is unreachable at ${adminUrl()}: ${String(err)}`);
    }
    process.stderr.write(
      `PostgreSQL unreachable (${String(err)}): integration tests run on PGlite only\n`,
    );
    project.provide('postgres', false);
    return;
  }
  try {
    await client.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await client.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await client.end();
  }
  const database = await createDatabase({ databaseUrl: adminUrl(TEMPLATE_DB) });
  await database.close();
  project.provide('postgres', true);
}
