import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import {
  addAccount,
  grantStudyRole,
  revokeAccount,
  type StudyRole,
} from '../../../server/auth/service.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { Viewer } from '../dashboard/live-client.ts';

/**
 * Issue 17: every admin route and the dashboard websocket, asked by each kind of person. The routes
 * are read from the API's own OpenAPI document, so a route added later is covered without a test
 * change: a route under a study is allowed to its owners and server-admins, read-only to its
 * viewers, and to anyone else it answers exactly what a study that does not exist answers.
 */
type Principal =
  | 'server-admin'
  | 'owner of A'
  | 'viewer of A'
  | 'owner of B'
  | 'judge of A'
  | 'revoked account'
  | 'anonymous';

interface Route {
  method: string;
  path: string;
}

const STUDY_NOT_FOUND = /"message":"study not found"/;

const PRINCIPALS: Principal[] = [
  'server-admin',
  'owner of A',
  'viewer of A',
  'owner of B',
  'judge of A',
  'revoked account',
  'anonymous',
];

/** What each principal must get from a route under study A. */
function expected(principal: Principal, method: string): 'allowed' | 401 | 403 | 'hidden' {
  switch (principal) {
    case 'server-admin':
    case 'owner of A':
      return 'allowed';
    case 'viewer of A':
      return method === 'GET' ? 'allowed' : 403;
    case 'owner of B':
      return 'hidden';
    case 'judge of A':
      return 403;
    case 'revoked account':
    case 'anonymous':
      return 401;
  }
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('authorization of every admin route (issue 17)', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let baseUrl: string;
  let studyA: string;
  let studyB: string;
  const tokens = new Map<Principal, string | null>();
  let studyRoutes: Route[] = [];
  let otherRoutes: Route[] = [];

  async function account(name: string, grants: Array<[string, StudyRole]>) {
    const { token } = await addAccount(tdb.db, { name, serverAdmin: false });
    for (const [studyId, role] of grants)
      await grantStudyRole(tdb.db, { studyId, name, role, grantedBy: 'cli' });
    return token;
  }

  beforeAll(async () => {
    tdb = await openTestDatabase('postgres');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    baseUrl = await listen(app);
    studyA = (await makePairedStudy(tdb.db, { items: 3 })).studyId;
    studyB = (await makePairedStudy(tdb.db, { items: 3 })).studyId;
    tokens.set('server-admin', await createAdminToken(tdb.db));
    tokens.set('owner of A', await account('alice', [[studyA, 'owner']]));
    tokens.set('viewer of A', await account('victor', [[studyA, 'viewer']]));
    tokens.set('owner of B', await account('bob', [[studyB, 'owner']]));
    tokens.set('judge of A', (await makeJudges(tdb.db, studyA, 1))[0]!.token);
    tokens.set('revoked account', await account('rita', [[studyA, 'owner']]));
    await revokeAccount(tdb.db, { name: 'rita' });
    tokens.set('anonymous', null);

    await app.ready();
    const spec = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const all = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
    );
    // Admin routes: everything under /api except the judge page's, the capability-URL images and health.
    const admin = all.filter(
      (r) =>
        r.path.startsWith('/api/') &&
        !/^\/api\/(judge|images|health)(\/|$)/.test(r.path) &&
        r.method !== 'HEAD',
    );
    studyRoutes = admin.filter((r) => r.path.startsWith('/api/studies/{studyId}'));
    otherRoutes = admin.filter((r) => !r.path.startsWith('/api/studies/{studyId}'));
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  /** A concrete URL: the study's id, a fresh id for every other id, 'nobody' for names. */
  function urlOf(path: string, studyId: string): string {
    return path
      .replace('{studyId}', studyId)
      .replace(/\{name\}/g, 'nobody')
      .replace(/\{[A-Za-z]+\}/g, () => randomUUID());
  }

  function call(principal: Principal, method: string, url: string) {
    const token = tokens.get(principal);
    return app.inject({
      method: method as 'GET',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
    });
  }

  it('finds the admin routes in the API document', () => {
    expect(studyRoutes.length).toBeGreaterThanOrEqual(20);
    expect(studyRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /api/studies/{studyId}',
        'GET /api/studies/{studyId}/report',
        'GET /api/studies/{studyId}/export',
        'POST /api/studies/{studyId}/invites',
        'POST /api/studies/{studyId}/pairings',
        'PUT /api/studies/{studyId}/roles/{name}',
      ]),
    );
  });

  it('gives each person exactly the specified status on every route of study A', async () => {
    const failures: string[] = [];
    for (const route of studyRoutes) {
      // the answer for a study that does not exist, asked by a server-admin
      const missing = await call('server-admin', route.method, urlOf(route.path, randomUUID()));
      for (const principal of PRINCIPALS) {
        const res = await call(principal, route.method, urlOf(route.path, studyA));
        const want = expected(principal, route.method);
        const label = `${principal}: ${route.method} ${route.path} -> ${res.statusCode} ${res.body.slice(0, 120)}`;
        const studyNotFound = res.statusCode === 404 && STUDY_NOT_FOUND.test(res.body);
        if (want === 'allowed') {
          if ([401, 403].includes(res.statusCode) || studyNotFound) failures.push(label);
        } else if (want === 'hidden') {
          // exactly what a study that does not exist answers: B's people learn nothing of A
          if (missing.statusCode === 404 && STUDY_NOT_FOUND.test(missing.body)) {
            if (res.statusCode !== 404 || res.body !== missing.body) failures.push(label);
          } else if (!studyNotFound) failures.push(label);
        } else if (res.statusCode !== want) failures.push(label);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("gives B's people no way to A's item images: no route they can read names one", async () => {
    const { sql } = await import('drizzle-orm');
    const { queryRows } = await import('../../../server/db/client.ts');
    const imageIds = (
      await queryRows<{ id: string }>(
        tdb.db,
        sql`select im.id from item_images im join items i on i.id = im.item_id
            where i.study_id = ${studyA}`,
      )
    ).map((r) => r.id);
    expect(imageIds.length).toBeGreaterThan(0);
    // every GET B's owner may make: B's routes, and the server-wide ones
    const reads = [
      ...studyRoutes.filter((r) => r.method === 'GET').map((r) => urlOf(r.path, studyB)),
      ...otherRoutes.filter((r) => r.method === 'GET').map((r) => urlOf(r.path, studyB)),
    ];
    const seen: string[] = [];
    for (const url of reads) {
      const res = await call('owner of B', 'GET', url);
      for (const id of [studyA, ...imageIds]) if (res.body.includes(id)) seen.push(`${url}: ${id}`);
    }
    expect(seen).toEqual([]);
    // the ids reach judges only, each with its own study's: a judge of A is given one, a judge of B
    // none of A's
    const next = async (studyId: string) => {
      const [judge] = await makeJudges(tdb.db, studyId, 1);
      const res = await app.inject({
        method: 'POST',
        url: '/api/judge/next',
        headers: { authorization: `Bearer ${judge!.token}` },
      });
      expect(res.statusCode).toBe(200);
      return res.body;
    };
    const ofA = await next(studyA);
    expect(imageIds.some((id) => ofA.includes(id))).toBe(true);
    const ofB = await next(studyB);
    expect(ofB).toMatch(/\/api\/images\//);
    expect(imageIds.filter((id) => ofB.includes(id))).toEqual([]);
    // the image itself is a capability (an <img> sends no token): its random id is the only key
    const image = await app.inject({ method: 'GET', url: `/api/images/${imageIds[0]}` });
    expect(image.statusCode).toBe(200);
    const guessed = await app.inject({ method: 'GET', url: `/api/images/${randomUUID()}` });
    expect(guessed.statusCode).toBe(404);
  });

  it('lists to each person only the studies they have a role on', async () => {
    const ids = async (p: Principal) =>
      (await call(p, 'GET', '/api/studies')).json<Array<{ id: string }>>().map((s) => s.id);
    expect(await ids('server-admin')).toEqual(expect.arrayContaining([studyA, studyB]));
    expect(await ids('owner of A')).toEqual([studyA]);
    expect(await ids('viewer of A')).toEqual([studyA]);
    expect(await ids('owner of B')).toEqual([studyB]);
    expect((await call('judge of A', 'GET', '/api/studies')).statusCode).toBe(403);
    expect((await call('revoked account', 'GET', '/api/studies')).statusCode).toBe(401);
    expect((await call('anonymous', 'GET', '/api/studies')).statusCode).toBe(401);
  });

  it('keeps server-wide changes for server-admins', async () => {
    const failures: string[] = [];
    for (const route of otherRoutes) {
      if (route.method === 'GET' && /\/(me|studies\/?)$/.test(route.path)) continue;
      for (const principal of ['owner of A', 'viewer of A', 'owner of B'] as const) {
        const res = await call(principal, route.method, urlOf(route.path, studyA));
        if (route.path.startsWith('/api/plan/')) continue; // a calculator: reads nothing, changes nothing
        if (res.statusCode !== 403)
          failures.push(`${principal}: ${route.method} ${route.path} -> ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    const created = await call('server-admin', 'POST', '/api/studies');
    expect(created.statusCode).toBe(400); // allowed; the empty body is refused
  });

  it('lets a viewer download every report format and the export', async () => {
    for (const format of ['json', 'csv', 'markdown', 'latex', 'html']) {
      const res = await call(
        'viewer of A',
        'GET',
        `/api/studies/${studyA}/report?format=${format}`,
      );
      expect(res.statusCode, format).toBe(200);
    }
    const exported = await call('viewer of A', 'GET', `/api/studies/${studyA}/export`);
    expect(exported.statusCode).toBe(200);
  });

  it('opens the dashboard to A’s people only, as if A did not exist for the others', async () => {
    const open = async (p: Principal, studyId = studyA) => {
      const viewer = await Viewer.open(baseUrl, studyId, tokens.get(p) ?? null);
      try {
        const first = await viewer.waitFor(() => true, 5000);
        return first.type === 'snapshot' ? 'snapshot' : `${first.code} ${first.message}`;
      } finally {
        viewer.close();
      }
    };
    expect(await open('viewer of A')).toBe('snapshot');
    expect(await open('owner of A')).toBe('snapshot');
    expect(await open('server-admin')).toBe('snapshot');
    const hidden = await open('owner of B');
    expect(hidden).toBe(await open('server-admin', randomUUID()));
    expect(hidden).toMatch(/TA_NOT_FOUND study not found/);
    expect(await open('revoked account')).toMatch(/TA_UNAUTHORIZED/);
    expect(await open('judge of A')).toMatch(/TA_UNAUTHORIZED/);
  });

  it('revokes an account on its next request and closes its open dashboards', async () => {
    const token = await account('carol', [[studyA, 'viewer']]);
    const viewer = await Viewer.open(baseUrl, studyA, token);
    await viewer.waitFor((m) => m.type === 'snapshot');
    const headers = { authorization: `Bearer ${tokens.get('server-admin')}` };
    const revoked = await app.inject({
      method: 'POST',
      url: '/api/accounts/carol/revoke',
      headers,
    });
    expect(revoked.statusCode).toBe(200);
    const again = await app.inject({
      method: 'GET',
      url: `/api/studies/${studyA}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.statusCode).toBe(401);
    await expect(viewer.waitFor(() => false, 5000)).rejects.toThrow(/closed with 4401/);
  });

  it('closes an account’s dashboards when its role changes or is removed, not when re-granted', async () => {
    const erin = await account('erin', [[studyA, 'owner']]);
    const frank = await account('frank', [[studyA, 'viewer']]);
    const asOwner = { authorization: `Bearer ${tokens.get('owner of A')}` };
    const setRole = (name: string, role: string) =>
      app.inject({
        method: 'PUT',
        url: `/api/studies/${studyA}/roles/${name}`,
        headers: asOwner,
        payload: { role },
      });
    const watch = async (token: string) => {
      const v = await Viewer.open(baseUrl, studyA, token);
      await v.waitFor((m) => m.type === 'snapshot');
      return v;
    };
    // owner → viewer takes change rights away: the dashboard closes and re-checks on reconnect
    let erinView = await watch(erin);
    expect((await setRole('erin', 'viewer')).statusCode).toBe(200);
    await expect(erinView.waitFor(() => false, 5000)).rejects.toThrow(/closed with 4401/);
    erinView = await watch(erin);
    // the same role again changes nothing and sends nothing. Events arrive in commit order, so
    // once frank's later removal has closed his dashboard, an event for erin would have come first
    const frankView = await watch(frank);
    expect((await setRole('erin', 'viewer')).statusCode).toBe(200);
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/studies/${studyA}/roles/frank`,
      headers: asOwner,
    });
    expect(removed.statusCode).toBe(200);
    await expect(frankView.waitFor(() => false, 5000)).rejects.toThrow(/closed with 4401/);
    await new Promise((r) => setTimeout(r, 200));
    expect(erinView.closeCode).toBeNull();
    erinView.close();
  });

  it('records in the audit trail which account made each change', async () => {
    const scan = await call('owner of A', 'POST', `/api/studies/${studyA}/integrity/scan`);
    expect(scan.statusCode, scan.body).toBe(200);
    const audit = await call('viewer of A', 'GET', `/api/studies/${studyA}/audit`);
    expect(audit.statusCode).toBe(200);
    const events = audit.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: string; kind: string });
    expect(events.at(-1)).toMatchObject({ actor: 'account:alice', kind: 'integrity_rescan' });
    // and the admin page's list of changes shows it first
    const changes = await call('viewer of A', 'GET', `/api/studies/${studyA}/audit/changes`);
    expect(changes.json()[0]).toMatchObject({ actor: 'account:alice', kind: 'integrity_rescan' });
  });

  it('lets an owner grant and remove roles on their study, and nobody else', async () => {
    const dave = await account('dave', []);
    const asDave = () =>
      app.inject({
        method: 'GET',
        url: `/api/studies/${studyA}`,
        headers: { authorization: `Bearer ${dave}` },
      });
    expect((await asDave()).statusCode).toBe(404);
    const grant = (p: Principal, role: string) =>
      app.inject({
        method: 'PUT',
        url: `/api/studies/${studyA}/roles/dave`,
        headers: { authorization: `Bearer ${tokens.get(p)}` },
        payload: { role },
      });
    expect((await grant('viewer of A', 'viewer')).statusCode).toBe(403);
    expect((await grant('owner of B', 'viewer')).statusCode).toBe(404);
    expect((await grant('owner of A', 'viewer')).statusCode).toBe(200);
    expect((await asDave()).statusCode).toBe(200);
    const roles = await call('viewer of A', 'GET', `/api/studies/${studyA}/roles`);
    expect(roles.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'dave', role: 'viewer', grantedBy: 'account:alice' }),
      ]),
    );
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/studies/${studyA}/roles/dave`,
      headers: { authorization: `Bearer ${tokens.get('owner of A')}` },
    });
    expect(removed.statusCode).toBe(200);
    expect((await asDave()).statusCode).toBe(404);
  });
});
