import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../server/db/client.ts';

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
    /** This run's migrated template database (per run, so concurrent runs don't collide). */
    pgTemplate: string;
  }
}

/** Prepares the database once per run: a migrated template that each test file clones. */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const template = `tracearena_tpl_${process.pid}_${Date.now().toString(36)}`;
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
    project.provide('pgTemplate', '');
    return undefined;
  }
  try {
    await client.query(`create database ${template}`);
  } finally {
    await client.end();
  }
  const database = await createDatabase({ databaseUrl: adminUrl(template) });
  await database.close();
  project.provide('postgres', true);
  project.provide('pgTemplate', template);
  return async () => {
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    try {
      await c.query(`drop database if exists ${template} with (force)`);
    } finally {
      await c.end();
    }
  };
}
