import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/client.ts';
import * as schema from '../../../server/db/schema/index.ts';
import { leaseWithView, lockJudgeQueue } from '../../../server/judging/repository.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

/**
 * The human lease's plan on PostgreSQL once the tables have statistics (autovacuum analyzes them
 * after any real import): it must walk the queue index to the first slot it can take, never read
 * and sort the study's free slots. Its unseen-item gate, written as `not exists`, became an
 * anti-join PostgreSQL estimated at one row, and every lease sorted the whole queue (150–250 ms a
 * lease at 10,000 items × 3 candidates, for a judge who had seen nothing). The plans are read with
 * auto_explain, sent to this client as notices.
 */
describe.skipIf(!backends().includes('postgres'))('the human lease on PostgreSQL', () => {
  let tdb: TestDatabase;
  let client: pg.Client;
  const plans: string[] = [];

  beforeAll(async () => {
    tdb = await openTestDatabase('postgres');
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    client.on('notice', (n) => plans.push(n.message ?? ''));
  });
  afterAll(async () => {
    await client.end();
    await tdb.destroy();
  });

  it('walks the queue index after analyze, with three candidates per item', async () => {
    const study = await makePairedStudy(tdb.db, {
      items: 2000,
      systems: ['c1', 'c2', 'c3', 'base'],
    });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    await tdb.db.execute(sql`analyze`);
    const db = drizzle(client, { schema }) as unknown as Db;
    const leased = await db.transaction(async (tx) => {
      await tx.execute(sql`load 'auto_explain'`);
      await tx.execute(sql`set local auto_explain.log_min_duration = 0`);
      await tx.execute(sql`set local auto_explain.log_level = 'notice'`);
      await tx.execute(sql`set local client_min_messages = 'notice'`);
      await lockJudgeQueue(tx, { judgeId: judge!.id });
      return leaseWithView(tx, {
        studyId: study.studyId,
        judgeId: judge!.id,
        excludeId: null,
        leaseSeconds: null,
        quota: null,
      });
    });
    expect(leased).not.toBeNull();
    const lease = plans.filter((p) => p.includes('CTE candidate'));
    // one statement: a judge who has seen nothing gets an unseen item's slot at once
    expect(lease).toHaveLength(1);
    const candidate = lease[0]!.split('CTE candidate')[1]!.split('CTE leased')[0]!;
    expect(candidate).toContain('assignments_queue_idx');
    expect(candidate).not.toMatch(/->\s+Sort/);
  });
});
