import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { judgmentSchema } from '../../../shared/judgments.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

/**
 * Reading time (issue 12 point 4): the page's visible-time figure is stored as reading_ms beside
 * the server's own lease-to-verdict time (wall_ms), exported in the judgments file, and summarised
 * per judge in the judge-quality view.
 */
describe.each(backends())('reading time on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: Record<string, string>;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  async function lease(headers: Record<string, string>): Promise<string> {
    const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
    expect(next.statusCode).toBe(200);
    return next.json<{ assignment: { id: string } }>().assignment.id;
  }

  it('stores the page figure and the server wall time, exports both, and summarises them', async () => {
    const study = await makePairedStudy(tdb.db, { items: 4 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const headers = { authorization: `Bearer ${judge!.token}` };
    const verdictUrl = (id: string) => `/api/judge/assignments/${id}/verdict`;

    // Out-of-range or non-integer figures are refused, naming the field.
    const first = await lease(headers);
    for (const elapsedMs of [-1, 1.5, 86_400_001, '1000']) {
      const r = await app.inject({
        method: 'POST',
        url: verdictUrl(first),
        headers,
        payload: { winner: 'left', elapsedMs },
      });
      expect(r.statusCode).toBe(400);
      expect(r.body).toContain('elapsedMs');
    }

    // The lease was handed out 5 s ago; the page says it was visible for 1.234 s of them.
    await tdb.db.execute(
      sql`update assignments set leased_at = now() - interval '5 seconds' where id = ${first}`,
    );
    const ok = await app.inject({
      method: 'POST',
      url: verdictUrl(first),
      headers,
      payload: { winner: 'left', elapsedMs: 1234 },
    });
    expect(ok.statusCode).toBe(200);

    // A page that sends nothing: only the server's time is known.
    const second = await lease(headers);
    await tdb.db.execute(
      sql`update assignments set leased_at = now() - interval '2 seconds' where id = ${second}`,
    );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: verdictUrl(second),
          headers,
          payload: { winner: 'tie' },
        })
      ).statusCode,
    ).toBe(200);

    const rows = await queryRows<{
      assignment_id: string;
      reading_ms: number | null;
      wall_ms: number | null;
    }>(
      tdb.db,
      sql`select assignment_id, reading_ms, wall_ms from verdicts where judge_id = ${judge!.id}`,
    );
    const byId = new Map(rows.map((r) => [r.assignment_id, r]));
    expect(byId.get(first)!.reading_ms).toBe(1234);
    expect(byId.get(first)!.wall_ms).toBeGreaterThanOrEqual(5000);
    expect(byId.get(first)!.wall_ms).toBeLessThan(60_000);
    expect(byId.get(second)!.reading_ms).toBeNull();
    expect(byId.get(second)!.wall_ms).toBeGreaterThanOrEqual(2000);

    const exported = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/export`,
      headers: admin,
    });
    expect(exported.statusCode).toBe(200);
    const records = exported.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    const withReading = records.filter((r) => r.reading_ms !== undefined);
    expect(withReading.map((r) => r.reading_ms)).toEqual([1234]);
    expect(withReading[0]!.wall_ms as number).toBeGreaterThanOrEqual(5000);
    const without = records.find((r) => r.reading_ms === undefined)!;
    expect(without.wall_ms as number).toBeGreaterThanOrEqual(2000);
    // `stats` reads the new lines, and old lines without the fields, with the same schema.
    for (const r of records) expect(judgmentSchema.safeParse(r).success).toBe(true);
    const { reading_ms: _r, wall_ms: _w, ...old } = records[0]!;
    expect(judgmentSchema.safeParse(old).success).toBe(true);

    const quality = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/judge-quality`,
      headers: admin,
    });
    const mine = quality
      .json<Array<{ judgeId: string; medianReadingMs: number | null; medianWallMs: number }>>()
      .find((q) => q.judgeId === judge!.id)!;
    expect(mine.medianReadingMs).toBe(1234);
    expect(mine.medianWallMs).toBeGreaterThanOrEqual(3500);
  });
});
