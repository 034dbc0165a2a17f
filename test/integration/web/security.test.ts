import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makeStudy } from '../../helpers/factories.ts';

describe('security headers', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('sends X-Content-Type-Options: nosniff with API JSON, errors included', async () => {
    for (const url of ['/api/health', '/api/judge/me', '/api/nope']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['content-type'], url).toContain('application/json');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('serves /docs under a CSP without inline or remote scripts, and every asset it names loads', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const url of [...assets, '/docs/json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
    }
    // The initializer fetches the spec from this origin and sets no remote validator badge.
    const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(init.body).toContain('validatorUrl: null');
  });
});

describe('rate limiting', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
  });
  afterAll(async () => tdb.destroy());

  it('has defaults a 500-judge session behind one address never reaches', async () => {
    const config = loadConfig({});
    expect(config.rateLimit).toEqual({ perToken: 3000, perIp: 60_000 });
    const app = await buildApp({ database: tdb, logger: false, config });
    try {
      const study = await makeStudy(tdb.db, { items: 2 });
      const judges = await makeJudges(tdb.db, study.studyId, 500);
      // Each judge: its page and assets, a comparison's images (no token), and its API calls (token).
      const statuses = new Set<number>();
      for (const j of judges) {
        for (let i = 0; i < 6; i++)
          statuses.add((await app.inject({ method: 'GET', url: '/api/health' })).statusCode);
        const me = await app.inject({
          method: 'GET',
          url: '/api/judge/me',
          headers: { authorization: `Bearer ${j.token}` },
        });
        statuses.add(me.statusCode);
      }
      expect([...statuses]).toEqual([200]);
    } finally {
      await app.close();
    }
  });

  it('limits each token on its own (judges behind one NAT do not share), and anonymous callers per address', async () => {
    const config = loadConfig({
      TRACEARENA_RATE_LIMIT_PER_TOKEN: '5',
      TRACEARENA_RATE_LIMIT_PER_IP: '3',
    });
    const app = await buildApp({ database: tdb, logger: false, config });
    try {
      const study = await makeStudy(tdb.db, { items: 2 });
      const [a, b] = await makeJudges(tdb.db, study.studyId, 2);
      const me = (token: string) =>
        app.inject({
          method: 'GET',
          url: '/api/judge/me',
          headers: { authorization: `Bearer ${token}` },
        });
      for (let i = 0; i < 5; i++) expect((await me(a!.token)).statusCode).toBe(200);
      const refused = await me(a!.token);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'TA_RATE_LIMITED' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await me(b!.token)).statusCode).toBe(200);

      const anonymous = () => app.inject({ method: 'GET', url: '/api/health' });
      for (let i = 0; i < 3; i++) expect((await anonymous()).statusCode).toBe(200);
      expect((await anonymous()).statusCode).toBe(429);
      // An admin token has its own bucket too.
      const admin = await createAdminToken(tdb.db);
      const list = await app.inject({
        method: 'GET',
        url: '/api/studies',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(list.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('is off when both limits are 0', async () => {
    const config = loadConfig({
      TRACEARENA_RATE_LIMIT_PER_TOKEN: '0',
      TRACEARENA_RATE_LIMIT_PER_IP: '0',
    });
    expect(config.rateLimit).toEqual({ perToken: 0, perIp: 0 });
    const app = await buildApp({ database: tdb, logger: false, config });
    try {
      for (let i = 0; i < 20; i++)
        expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
