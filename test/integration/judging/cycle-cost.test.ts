/**
 * What one judging cycle (next + verdict) costs PostgreSQL, counted at the driver: every
 * `pg.Client.query` is one round trip (BEGIN and COMMIT included). Issue #14 sets the bound at 6.
 * And the judge cache that makes authentication free: a revocation in one process reaches another.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createDatabase, type Database } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { createAdminToken } from '../../../server/auth/service.ts';

const onPostgres = backends().includes('postgres') ? describe : describe.skip;

/** Counts the queries every pg client of this process sends while `run` runs. */
async function countQueries(run: () => Promise<void>): Promise<string[]> {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string; name?: string };
    sent.push(typeof first === 'string' ? first : (first.name ?? first.text ?? ''));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = original;
  }
  return sent;
}

onPostgres('the judging cycle on PostgreSQL', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    tdb = await openTestDatabase('postgres');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  const call = (token: string, url: string, payload?: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  async function cycle(token: string): Promise<void> {
    const next = await call(token, '/api/judge/next');
    expect(next.statusCode).toBe(200);
    const id = next.json().assignment.id as string;
    const verdict = await call(token, `/api/judge/assignments/${id}/verdict`, {
      winner: 'left',
      axes: {},
    });
    expect(verdict.statusCode).toBe(200);
    expect(verdict.json().duplicate).toBe(false);
  }

  it('costs at most 6 round trips, each statement prepared', async () => {
    const study = await makePairedStudy(tdb.db, { items: 5, k: 2 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    // The first cycle fills the judge cache; the second is a judge's steady state.
    await cycle(judge!.token);
    const sent = await countQueries(() => cycle(judge!.token));
    expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(6);
    // Besides the transaction's BEGIN and COMMIT, every statement is a named (prepared) one.
    const unnamed = sent.filter((q) => !/^(begin|commit)$/i.test(q) && !q.startsWith('judging_'));
    expect(unnamed).toEqual([]);
  });

  it('answers the same verdict sent twice at once with one store and one duplicate, a different one with 409', async () => {
    const study = await makePairedStudy(tdb.db, { items: 4 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    for (const second of [{ winner: 'left' }, { winner: 'right' }]) {
      const next = await call(judge!.token, '/api/judge/next');
      const url = `/api/judge/assignments/${next.json().assignment.id as string}/verdict`;
      // The second statement waits for the slot's lock and then finds the first one's verdict.
      const [a, b] = await Promise.all([
        call(judge!.token, url, { winner: 'left', axes: {} }),
        call(judge!.token, url, { ...second, axes: {} }),
      ]);
      const outcomes = [a, b].map(
        (r) => `${r.statusCode}:${r.statusCode === 200 ? r.json().duplicate : r.json().code}`,
      );
      // Whichever lands first is stored; the other is its duplicate, or conflicts with it.
      expect(outcomes.sort()).toEqual(
        second.winner === 'left'
          ? ['200:false', '200:true']
          : ['200:false', '409:TA_VERDICT_CONFLICT'],
      );
    }
  });

  it('drops a judge revoked through another process at once', async () => {
    const study = await makePairedStudy(tdb.db, { items: 5 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const other: Database = await createDatabase({ databaseUrl: tdb.url! });
    const otherApp = await buildApp({ database: other, logger: false, config: loadConfig({}) });
    try {
      await cycle(judge!.token); // the judge is now in this process's cache
      const admin = await createAdminToken(other.db);
      const revoke = await otherApp.inject({
        method: 'POST',
        url: `/api/studies/${study.studyId}/judges/${judge!.id}/revoke`,
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(revoke.statusCode).toBe(200);
      // The event travels by NOTIFY: wait for it, then the token is refused here too.
      const deadline = Date.now() + 5000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        status = (await call(judge!.token, '/api/judge/next')).statusCode;
        if (status === 200) await new Promise((r) => setTimeout(r, 20));
      }
      const refused = await call(judge!.token, '/api/judge/next');
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('TA_INVITE_REVOKED');
    } finally {
      await otherApp.close();
      await other.close();
    }
  });
});
