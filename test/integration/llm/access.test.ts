import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { runCli } from '../../helpers/processes.ts';
import { API_KEY, makeDemoStudy } from './setup.ts';

/**
 * The server's key goes only where the operator said: base URLs and key variables come from the
 * server's configuration (TRACEARENA_LLM_ENDPOINTS / TRACEARENA_LLM_KEY_ENVS), never the request.
 */
describe('LLM provider allowlist', () => {
  let tdb: TestDatabase;
  let fake: FakeLlm;
  let allowed: FastifyInstance;
  let defaults: FastifyInstance;
  let admin: { authorization: string };
  let studyId: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.FAKE_LLM_KEY = API_KEY;
    process.env.GITHUB_TOKEN = 'ghp_server_secret_token';
    process.env.AWS_SECRET_ACCESS_KEY = 'aws-server-secret';
    process.env.OPENAI_API_KEY = 'sk-server-openai-key';
    delete process.env.UNSET_LLM_KEY;
    tdb = await openTestDatabase('pglite');
    fake = await startFakeLlm();
    allowed = await buildApp({
      database: tdb,
      logger: false,
      config: loadConfig({
        TRACEARENA_LLM_ENDPOINTS: `${fake.openaiBaseUrl}/`,
        TRACEARENA_LLM_KEY_ENVS: 'FAKE_LLM_KEY,UNSET_LLM_KEY',
      }),
    });
    defaults = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
    studyId = (await makeDemoStudy(tdb.db, { items: 1 })).studyId;
  });
  afterAll(async () => {
    await allowed.close();
    await defaults.close();
    await fake.close();
    await tdb.destroy();
    process.env = saved;
  });

  const start = (app: FastifyInstance, payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/llm-runs`,
      headers: admin,
      payload: { models: ['gpt-4o-mini'], ...payload },
    });

  it.each([
    ['a base URL the operator did not list', { baseUrl: 'http://evil.example/v1' }],
    ['a listed host on another path', { baseUrl: 'FAKE/../v2' }],
    ['a key variable the operator did not list', { apiKeyEnv: 'GITHUB_TOKEN' }],
    ['AWS_SECRET_ACCESS_KEY', { apiKeyEnv: 'AWS_SECRET_ACCESS_KEY' }],
  ])('refuses %s with 400 TA_LLM_NOT_ALLOWED and sends nothing', async (_, body) => {
    const payload = { baseUrl: fake.openaiBaseUrl, apiKeyEnv: 'FAKE_LLM_KEY', ...body };
    payload.baseUrl = payload.baseUrl.replace('FAKE', fake.url);
    const res = await start(allowed, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TA_LLM_NOT_ALLOWED' });
    expect(res.json<{ message: string }>().message).toMatch(/TRACEARENA_LLM_(ENDPOINTS|KEY_ENVS)/);
    expect(res.body).not.toMatch(/ghp_|aws-server|sk-server/);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses the fake provider on 127.0.0.1 under the default configuration', async () => {
    const res = await start(defaults, { baseUrl: fake.openaiBaseUrl });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TA_LLM_NOT_ALLOWED' });
    expect(res.json<{ message: string }>().message).toContain('https://api.openai.com/v1');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a listed key variable that is not set, before the run starts', async () => {
    const res = await start(allowed, { baseUrl: fake.openaiBaseUrl, apiKeyEnv: 'UNSET_LLM_KEY' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TA_LLM_KEY_MISSING' });
    expect(res.json<{ message: string }>().message).toContain('UNSET_LLM_KEY');
    const runs = await allowed.inject({
      method: 'GET',
      url: `/api/studies/${studyId}/llm-runs`,
      headers: admin,
    });
    expect(runs.json()).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('runs against a listed endpoint (listed with a trailing slash) with a listed key', async () => {
    const res = await start(allowed, { baseUrl: fake.openaiBaseUrl, apiKeyEnv: 'FAKE_LLM_KEY' });
    expect(res.statusCode).toBe(202);
    for (let i = 0; i < 100 && fake.requests.length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  describe('tracearena judge', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'ta-llm-access-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const judge = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runCli(
        ['judge', '--study', 's', '--model', 'm', '--data', dir, ...args],
        {
          DATABASE_URL: undefined,
          FAKE_LLM_KEY: API_KEY,
          GITHUB_TOKEN: 'ghp_server_secret_token',
          TRACEARENA_LLM_ENDPOINTS: fake.openaiBaseUrl,
          TRACEARENA_LLM_KEY_ENVS: 'FAKE_LLM_KEY,UNSET_LLM_KEY',
          ...env,
        },
        60_000,
      );

    it.each([
      [['--base-url', 'http://evil.example/v1', '--api-key-env', 'FAKE_LLM_KEY'], /evil\.example/],
      [['--api-key-env', 'GITHUB_TOKEN', '--base-url', 'FAKE'], /GITHUB_TOKEN/],
      [['--api-key-env', 'FAKE_LLM_KEY'], /api\.openai\.com/],
      [['--base-url', 'FAKE', '--api-key-env', 'UNSET_LLM_KEY'], /UNSET_LLM_KEY is not set/],
    ])('refuses %j with exit 2 and one line', async (args, message) => {
      const res = await judge(args.map((a) => (a === 'FAKE' ? fake.openaiBaseUrl : a)));
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(fake.requests.filter((r) => r.headers.authorization?.includes('ghp_'))).toEqual([]);
    });
  });
});
