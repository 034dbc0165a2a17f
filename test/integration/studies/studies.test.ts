import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';

describe.each(backends())('studies and invites over HTTP on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: string;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = await createAdminToken(tdb.db);
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('answers health and documents the API at /docs', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({
      ok: true,
      db: 'up',
    });
    const docs = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining(['/api/judge/next', '/api/judge/assignments/{id}/verdict']),
    );
  });

  it('creates a study, refuses a duplicate name with 409 and a malformed one with 400', async () => {
    const body = { name: 'chest-xr', axes: ['perception', 'rationale'], judgesPerComparison: 3 };
    const created = await app.inject({
      method: 'POST',
      url: '/api/studies',
      headers: as(admin),
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'chest-xr',
      axes: ['perception', 'rationale'],
      judgesPerComparison: 3,
      leaseSeconds: 600,
    });
    const dup = await app.inject({
      method: 'POST',
      url: '/api/studies',
      headers: as(admin),
      payload: body,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('TA_STUDY_EXISTS');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/studies',
      headers: as(admin),
      payload: { name: 'x', axes: ['Bad Axis'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('TA_VALIDATION');
    expect(
      (await app.inject({ method: 'POST', url: '/api/studies', payload: body })).statusCode,
    ).toBe(401);
  });

  it('invites a judge whose token works and is stored only hashed', async () => {
    const study = (
      await app.inject({
        method: 'POST',
        url: '/api/studies',
        headers: as(admin),
        payload: { name: 'invites' },
      })
    ).json();
    const invite = await app.inject({
      method: 'POST',
      url: `/api/studies/${study.id}/invites`,
      headers: as(admin),
      payload: { name: 'dr-lee', quota: 5 },
    });
    expect(invite.statusCode).toBe(201);
    const { token, url } = invite.json();
    expect(url).toBe(`http://localhost:80/judge#token=${token}`); // the Host the admin used
    const me = await app.inject({ method: 'GET', url: '/api/judge/me', headers: as(token) });
    expect(me.json()).toMatchObject({ judge: { name: 'dr-lee' }, progress: { done: 0, quota: 5 } });
    const dump = JSON.stringify(
      await tdb.db.execute((await import('drizzle-orm')).sql`select * from judges`),
    );
    expect(dump).not.toContain(token);
    const list = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.id}/judges`,
      headers: as(admin),
    });
    expect(list.json()).toEqual([
      expect.objectContaining({ name: 'dr-lee', kind: 'human', quota: 5, revoked: false }),
    ]);
    // the name is stored trimmed, so ' dr-lee ' is dr-lee again (it was a second judge, whom
    // `stats` on the study's export merged with the first); blank and __proto__ are refused
    const invite2 = (name: string) =>
      app.inject({
        method: 'POST',
        url: `/api/studies/${study.id}/invites`,
        headers: as(admin),
        payload: { name },
      });
    const again = await invite2(' dr-lee ');
    expect(again.statusCode).toBe(400);
    expect(again.json().message).toBe("a judge named 'dr-lee' already exists in this study");
    const trimmed = await invite2(' dr-kim ');
    expect(trimmed.statusCode).toBe(201);
    expect(trimmed.json().name).toBe('dr-kim');
    for (const bad of ['   ', '__proto__', 'dr\nlee']) {
      const r = await invite2(bad);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().code).toBe('TA_VALIDATION');
    }
  });
});
