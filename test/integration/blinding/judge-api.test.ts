import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { setAdjudicator } from '../../../server/qualification/service.ts';

describe.each(backends())('judge-facing API blinding on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('no response a judge receives contains a system name or id, including errors', async () => {
    const systems = ['zebra-sft-7b', 'okapi-base-7b'];
    const study = await makePairedStudy(tdb.db, { items: 4, k: 2, systems, name: 'blind-study' });
    // makeStudy's traces say "trace by <system>"; use neutral texts so only structure can leak.
    await tdb.db.execute(
      (await import('drizzle-orm'))
        .sql`update outputs set trace = 'a reasoning trace', answer = 'an answer'`,
    );
    const [j1, j2] = await makeJudges(tdb.db, study.studyId, 2);
    const forbidden = [...systems, ...Object.values(study.systemIds), study.studyId, 'blind-study'];
    const seen: LightMyRequestResponse[] = [];
    const call = async (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: payload as never,
      });
      seen.push(res);
      return res;
    };

    await call(j1!.token, 'GET', '/api/judge/me');
    const first = (await call(j1!.token, 'POST', '/api/judge/next')).json();
    for (const url of first.assignment.item.images) {
      const img = await app.inject({ method: 'GET', url });
      expect(img.statusCode).toBe(200);
      seen.push(img);
    }
    await call(j1!.token, 'POST', `/api/judge/assignments/${first.assignment.id}/verdict`, {
      winner: 'left',
      axes: { perception: 'right' },
    });
    await call(j1!.token, 'POST', `/api/judge/assignments/${first.assignment.id}/verdict`, {
      winner: 'left',
      axes: { perception: 'right' },
    });
    await call(j1!.token, 'POST', `/api/judge/assignments/${first.assignment.id}/verdict`, {
      winner: 'tie',
      axes: {},
    }); // 409
    await call(j1!.token, 'POST', `/api/judge/assignments/${first.assignment.id}/verdict`, {
      winner: 'tie',
      axes: { nope: 'left' },
    }); // 400
    await call(j1!.token, 'POST', `/api/judge/assignments/${first.assignment.id}/verdict`, {
      winner: 'sideways',
    }); // 400
    const second = (await call(j1!.token, 'POST', '/api/judge/next')).json();
    await call(j1!.token, 'POST', `/api/judge/assignments/${second.assignment.id}/skip`, {
      reason: 'cannot_judge',
    });
    await call(j2!.token, 'POST', `/api/judge/assignments/${second.assignment.id}/verdict`, {
      winner: 'left',
      axes: {},
    }); // 410
    await call(j2!.token, 'POST', '/api/judge/next');
    await call(
      j2!.token,
      'POST',
      `/api/judge/assignments/00000000-0000-4000-8000-000000000000/verdict`,
      { winner: 'left', axes: {} },
    ); // 404
    await call('ta_judge_wrong', 'POST', '/api/judge/next'); // 401
    // Qualification and adjudication (issue 18): their judge routes in the same walk (the full
    // adjudication walk, with split comparisons, is test/integration/qualification/adjudication.test.ts).
    await call(j1!.token, 'GET', '/api/judge/qualification');
    await call(j1!.token, 'POST', '/api/judge/qualification/next');
    await call(j2!.token, 'POST', '/api/judge/adjudication/next'); // 403: not an adjudicator
    await setAdjudicator(tdb.db, { studyId: study.studyId, judgeId: j2!.id, adjudicator: true });
    await call(j2!.token, 'POST', '/api/judge/adjudication/next');

    const statuses = seen.map((r) => r.statusCode);
    expect(statuses).toEqual(expect.arrayContaining([200, 400, 401, 404, 409, 410]));
    for (const res of seen) {
      const everything = `${JSON.stringify(res.headers)}\n${res.body}`;
      for (const secret of forbidden)
        expect(everything, `${res.statusCode} ${res.body.slice(0, 200)}`).not.toContain(secret);
    }
  });

  it('assignment ids and image urls do not correlate with the systems', async () => {
    const study = await makePairedStudy(tdb.db, { items: 30, k: 1 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = (
        await app.inject({
          method: 'POST',
          url: '/api/judge/next',
          headers: { authorization: `Bearer ${judge!.token}` },
        })
      ).json();
      ids.push(res.assignment.id, ...res.assignment.item.images);
      await app.inject({
        method: 'POST',
        url: `/api/judge/assignments/${res.assignment.id}/verdict`,
        headers: { authorization: `Bearer ${judge!.token}` },
        payload: { winner: 'tie', axes: {} },
      });
    }
    // Random v4 uuids: no shared prefix, no sequence, nothing derived from the pair.
    for (const id of ids)
      expect(id).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids.map((id) => id.slice(-36, -28))).size).toBe(ids.length);
  });
});
