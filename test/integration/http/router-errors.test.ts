import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';

/**
 * Found by the HTTP fuzz (test/integration/http-fuzz): the router's own errors echoed the decoded
 * path, so a %0A in an over-long segment made a multi-line message. PGlite only: no database.
 */
describe('router errors', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('answers an over-long path segment with 414 and a one-line message that does not echo it', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/studies/${'x'.repeat(150)}%0A%E2%80%A8/judges`,
      headers: admin,
    });
    expect(res.statusCode).toBe(414);
    const body = res.json<{ code: string; message: string }>();
    expect(body.code).toBe('FST_ERR_MAX_PARAM_LENGTH');
    expect(body.message).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(body.message).not.toContain('xxxx');
  });

  it('answers a malformed %-escape in the path with 400 and a one-line message', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/studies/%E0%A4%A/judges',
      headers: admin,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; message: string }>();
    expect(body.message).not.toMatch(/[\n\r\u2028\u2029]/);
  });
});
