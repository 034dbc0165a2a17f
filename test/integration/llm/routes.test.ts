import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { API_KEY, makeDemoStudy } from './setup.ts';

describe.each(backends())('LLM run admin routes on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let fake: FakeLlm;
  let admin: { authorization: string };

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    fake = await startFakeLlm({ latencyMs: 5 });
    process.env.TA_TEST_API_KEY = API_KEY;
    app = await buildApp({
      database: tdb,
      logger: false,
      config: loadConfig({
        TRACEARENA_LLM_ENDPOINTS: fake.openaiBaseUrl,
        TRACEARENA_LLM_KEY_ENVS: 'TA_TEST_API_KEY',
      }),
    });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
    await tdb.destroy();
    delete process.env.TA_TEST_API_KEY;
  });

  it('starts a run in the server, which completes, and lists it with its figures', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 4 });
    const res = await app.inject({
      method: 'POST',
      url: `/api/studies/${study.studyId}/llm-runs`,
      headers: admin,
      payload: {
        models: ['gpt-4o-mini'],
        baseUrl: fake.openaiBaseUrl,
        apiKeyEnv: 'TA_TEST_API_KEY',
        swap: true,
      },
    });
    expect(res.statusCode).toBe(202);
    const run = res.json<{ id: string; status: string; total: number }>();
    expect(run).toMatchObject({ status: 'running', total: 8 });

    let detail:
      | {
          status: string;
          done: number;
          failedByReason: Record<string, number>;
          config: { apiKeyEnv: string };
        }
      | undefined;
    for (let i = 0; i < 100; i++) {
      detail = (
        await app.inject({
          method: 'GET',
          url: `/api/studies/${study.studyId}/llm-runs/${run.id}`,
          headers: admin,
        })
      ).json();
      if (detail?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(detail).toMatchObject({
      status: 'completed',
      done: 8,
      failedByReason: {},
      config: { apiKeyEnv: 'TA_TEST_API_KEY' },
    });
    const list = await app.inject({
      method: 'GET',
      url: `/api/studies/${study.studyId}/llm-runs`,
      headers: admin,
    });
    expect(list.json()).toEqual([
      expect.objectContaining({ id: run.id, judges: ['openai:gpt-4o-mini'], swap: true, done: 8 }),
    ]);
  });

  it('ends a run whose every order failed as failed, shows why, and logs it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logged = await buildApp({
      database: tdb,
      logger: {
        level: 'info',
        stream: { write: (line: string) => void lines.push(JSON.parse(line)) },
      },
      config: app.config,
    });
    try {
      const study = await makeDemoStudy(tdb.db, { items: 2 });
      fake.script(() => ({ kind: 'status', status: 503, retryAfter: '0.01' }));
      const res = await logged.inject({
        method: 'POST',
        url: `/api/studies/${study.studyId}/llm-runs`,
        headers: admin,
        payload: { models: ['gpt-4.1'], baseUrl: fake.openaiBaseUrl, apiKeyEnv: 'TA_TEST_API_KEY' },
      });
      expect(res.statusCode).toBe(202);
      const run = res.json<{ id: string }>();
      let detail: { status: string; error: string | null; failed: number } | undefined;
      for (let i = 0; i < 400; i++) {
        detail = (
          await logged.inject({
            method: 'GET',
            url: `/api/studies/${study.studyId}/llm-runs/${run.id}`,
            headers: admin,
          })
        ).json();
        if (detail?.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(detail).toMatchObject({ status: 'failed', failed: 2 });
      expect(detail?.error).toMatch(/^2 of 2 orders failed \(error 2\); last: .*503/);
      // the worker logs once its run has ended, just after the status is stored
      const failed = () => lines.find((l) => l.msg === 'llm run failed');
      for (let i = 0; i < 200 && !failed(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(failed()).toMatchObject({ level: 50, runId: run.id, error: detail?.error });
    } finally {
      fake.script(() => ({ kind: 'verdict' }));
      await logged.close();
    }
  });

  it('finishes a run whose provider answers with NUL, every order with its stored attempt', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 3 });
    let n = 0;
    fake.script(() =>
      n++ % 3 === 0
        ? { kind: 'verdict', reasoning: 'A\u0000 is better \uDC00' }
        : { kind: 'text', text: 'nul \u0000 text' },
    );
    try {
      const res = await app.inject({
        method: 'POST',
        url: `/api/studies/${study.studyId}/llm-runs`,
        headers: admin,
        payload: {
          models: ['nul-http-model'],
          baseUrl: fake.openaiBaseUrl,
          apiKeyEnv: 'TA_TEST_API_KEY',
          concurrency: 1,
        },
      });
      expect(res.statusCode).toBe(202);
      const run = res.json<{ id: string }>();
      let detail:
        | { status: string; done: number; failed: number; failedByReason: Record<string, number> }
        | undefined;
      for (let i = 0; i < 200; i++) {
        detail = (
          await app.inject({
            method: 'GET',
            url: `/api/studies/${study.studyId}/llm-runs/${run.id}`,
            headers: admin,
          })
        ).json();
        if (detail?.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(detail).toMatchObject({
        status: 'failed',
        done: 1,
        failed: 2,
        failedByReason: { parse_failed: 2 },
      });
      const [attempts] = await queryRows<{ n: number }>(
        tdb.db,
        sql`select count(*)::int as n from llm_attempts where run_id = ${run.id}`,
      );
      expect(attempts).toEqual({ n: 3 });
    } finally {
      fake.script(() => ({ kind: 'verdict' }));
    }
  });

  it('refuses judge tokens and environment variables that are not key names', async () => {
    const study = await makeDemoStudy(tdb.db, { items: 1 });
    const url = `/api/studies/${study.studyId}/llm-runs`;
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const bad = await app.inject({
      method: 'POST',
      url,
      headers: admin,
      payload: { models: ['m'], apiKeyEnv: 'DATABASE_URL' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
