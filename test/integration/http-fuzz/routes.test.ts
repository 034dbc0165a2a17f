import { appendFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken, revokeJudge } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { ciChoiceSchema } from '../../../shared/report.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy, makeStudy } from '../../helpers/factories.ts';
import {
  jsonBody,
  multipartBody,
  nastyNumber,
  nastyString,
  queryString,
  segment,
  shaped,
  type BodyCase,
  enc,
} from './arbitraries.ts';

/**
 * Issue 13: a seeded fast-check fuzz of every judge and admin route (bodies, query strings, path
 * segments, headers, multipart) through app.inject on PGlite. No request may get a 5xx, every
 * error is one line, and the server still serves judges afterwards. The route table is checked
 * against the app's OpenAPI document, so a new route without fuzz cases fails this test.
 */

const SEED = Number(process.env.TA_FUZZ_SEED ?? 13);
/**
 * TA_FUZZ_RUNS=n for a quicker look, TA_FUZZ_SEED=n for other cases; TA_FUZZ_DUMP=file appends
 * every 4xx/5xx case to the file.
 */
const RUNS = Number(process.env.TA_FUZZ_RUNS ?? 10_200);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
type Role = 'admin' | 'judge' | 'none';
interface Case {
  route: string;
  method: Method;
  url: string;
  auth: string | undefined;
  /** On an assignment route, send the token of the judge holding that assignment. */
  own: boolean;
  host: string | undefined;
  body: BodyCase;
}

interface Ids {
  admin: string;
  judges: string[];
  revokedJudge: string;
  studies: string[];
  items: string[];
  victimJudges: string[];
  assignments: string[];
  /** Every lease handed out so far (setup and fuzzed /next calls): which judge holds which. */
  leases: Map<string, string>;
  images: string[];
  systems: string[];
}

const plausibleName = fc.oneof(
  fc.constantFrom('sft', 'base', 'rl', 'chest-xr', 'Dr Ada'),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const side = fc.constantFrom('left', 'right', 'tie');
const noBody: fc.Arbitrary<BodyCase> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ contentType: undefined, payload: undefined }) },
  { weight: 1, arbitrary: jsonBody(fc.jsonValue({ maxDepth: 2 })) },
);

function routeTable(ids: Ids) {
  // an import's data file: multipart with images, or the raw file with its content type
  const importBody = fc.oneof(
    multipartBody,
    fc
      .tuple(
        fc.constantFrom('application/x-ndjson', 'text/csv', 'application/json', undefined),
        fc.oneof(
          nastyString,
          fc.constantFrom(
            '{"item":"q-1","trace":"t","answer":"a"}\n',
            '{"id":"q-9","question":"q?","outputs":{"sft":{"trace":"t","answer":"a"}}}\n',
            'id,question\nq-1,q?\n',
            '[{"id":"q-1"}]',
          ),
        ),
      )
      .map(([contentType, payload]) => ({ contentType, payload })),
  );
  const study = segment(ids.studies);
  const numeric = (lo: number, hi: number) =>
    fc.oneof(fc.integer({ min: lo, max: hi }), nastyNumber).map(String);
  const reportQuery = queryString({
    ci: fc.constantFrom(...ciChoiceSchema.options),
    ties: fc.constantFrom('half', 'exclude'),
    level: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), nastyNumber).map(String),
    rounds: numeric(1, 300),
    seed: numeric(0, 100),
    ranking: fc.constantFrom('bradley-terry', 'davidson'),
    base: fc.constantFrom(...ids.systems),
  });
  const verdictBody = jsonBody(
    shaped({
      winner: side,
      axes: fc.dictionary(fc.constantFrom('perception', 'medical_knowledge', 'rationale'), side),
      strength: fc.constantFrom(1, 2),
      note: fc.string({ maxLength: 30 }),
      elapsedMs: fc.integer({ min: 0, max: 100_000 }),
    }),
  );
  const assignment = (s: string) => `/api/judge/assignments/${s}`;
  // Read at generation time, so leases taken by earlier fuzzed /next calls are judged too.
  const leased = fc.oneof(
    { weight: 3, arbitrary: fc.nat().map((i) => [...ids.leases.keys()][i % ids.leases.size]!) },
    { weight: 1, arbitrary: segment(ids.assignments) },
  );
  const r = (
    route: string,
    method: Method,
    role: Role,
    url: fc.Arbitrary<string>,
    body: fc.Arbitrary<BodyCase> = noBody,
    weight = 4,
  ) => ({ route, method, role, url, body, weight });
  return [
    r(
      'GET /api/health',
      'GET',
      'none',
      queryString({}).map((q) => `/api/health${q}`),
    ),
    r(
      'GET /api/studies/',
      'GET',
      'admin',
      queryString({}).map((q) => `/api/studies${q}`),
    ),
    r(
      'POST /api/studies/',
      'POST',
      'admin',
      fc.constant('/api/studies'),
      jsonBody(
        shaped({
          name: plausibleName,
          axes: fc.array(fc.constantFrom('perception', 'rationale', 'x_y'), { maxLength: 3 }),
          guidelines: fc.string({ maxLength: 50 }),
          judgesPerComparison: fc.integer({ min: 1, max: 5 }),
          leaseSeconds: fc.integer({ min: 5, max: 1000 }),
          requireAxes: fc.boolean(),
        }),
      ),
    ),
    r(
      'GET /api/studies/{studyId}',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}`),
    ),
    r(
      'GET /api/studies/{studyId}/judges',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/judges`),
    ),
    r(
      'POST /api/studies/{studyId}/invites',
      'POST',
      'admin',
      study.map((s) => `/api/studies/${s}/invites`),
      jsonBody(shaped({ name: plausibleName, quota: fc.integer({ min: 0, max: 50 }) })),
    ),
    r(
      'POST /api/studies/{studyId}/judges/{judgeId}/revoke',
      'POST',
      'admin',
      fc
        .tuple(study, segment(ids.victimJudges))
        .map(([s, j]) => `/api/studies/${s}/judges/${j}/revoke`),
    ),
    r(
      'POST /api/studies/{studyId}/imports',
      'POST',
      'admin',
      fc
        .tuple(
          study,
          queryString({
            kind: fc.constantFrom('items', 'outputs'),
            system: plausibleName,
            format: fc.constantFrom('jsonl', 'csv', 'json'),
            filename: fc.constantFrom('a.jsonl', 'a.csv', 'a.json', '.', '..', '%00.jsonl'),
          }),
        )
        .map(([s, q]) => `/api/studies/${s}/imports${q}`),
      importBody,
    ),
    r(
      'POST /api/studies/imports',
      'POST',
      'admin',
      queryString({
        study: plausibleName,
        kind: fc.constantFrom('items', 'outputs'),
        format: fc.constantFrom('jsonl', 'csv', 'json'),
        filename: fc.constantFrom('a.jsonl', 'a.csv', '.', '%00.jsonl'),
      }).map((q) => `/api/studies/imports${q}`),
      importBody,
    ),
    r(
      'POST /api/studies/{studyId}/pairings',
      'POST',
      'admin',
      study.map((s) => `/api/studies/${s}/pairings`),
      jsonBody(
        shaped({
          base: fc.constantFrom(...ids.systems, 'nobody'),
          allPairs: fc.boolean(),
          sample: fc.integer({ min: 1, max: 10 }),
          judgesPerComparison: fc.integer({ min: 1, max: 3 }),
          seed: fc.string({ minLength: 1, maxLength: 8 }),
        }),
      ),
    ),
    r('GET /api/judge/me', 'GET', 'judge', fc.constant('/api/judge/me')),
    r(
      'POST /api/judge/next',
      'POST',
      'judge',
      fc.constant('/api/judge/next'),
      fc.oneof(
        noBody,
        jsonBody(
          shaped({ exclude: fc.array(fc.constantFrom(...ids.assignments), { maxLength: 2 }) }),
        ),
      ),
    ),
    r(
      'POST /api/judge/assignments/{id}/verdict',
      'POST',
      'judge',
      leased.map((a) => `${assignment(a)}/verdict`),
      verdictBody,
    ),
    r(
      'POST /api/judge/assignments/{id}/skip',
      'POST',
      'judge',
      leased.map((a) => `${assignment(a)}/skip`),
      jsonBody(
        shaped({
          reason: fc.constantFrom('skip', 'cannot_judge'),
          note: fc.string({ maxLength: 30 }),
        }),
      ),
    ),
    r(
      'GET /api/images/{id}',
      'GET',
      'none',
      segment(ids.images).map((i) => `/api/images/${i}`),
    ),
    r(
      'GET /api/studies/{studyId}/items',
      'GET',
      'admin',
      fc
        .tuple(
          study,
          queryString({
            q: fc.constantFrom('q-', 'Question', '%', '_', '\\'),
            gold: fc.constantFrom('true', 'false'),
            limit: numeric(1, 200),
            offset: numeric(0, 20),
          }),
        )
        .map(([s, q]) => `/api/studies/${s}/items${q}`),
    ),
    r(
      'PUT /api/studies/{studyId}/items/{itemId}/gold',
      'PUT',
      'admin',
      fc.tuple(study, segment(ids.items)).map(([s, i]) => `/api/studies/${s}/items/${i}/gold`),
      jsonBody(
        shaped({
          a: fc.constantFrom(...ids.systems),
          b: fc.constantFrom(...ids.systems),
          winner: fc.constantFrom('a', 'b', 'tie'),
        }),
      ),
    ),
    r(
      'DELETE /api/studies/{studyId}/items/{itemId}/gold',
      'DELETE',
      'admin',
      fc.tuple(study, segment(ids.items)).map(([s, i]) => `/api/studies/${s}/items/${i}/gold`),
    ),
    r(
      'GET /api/studies/{studyId}/judge-quality',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/judge-quality`),
    ),
    r(
      'GET /api/studies/{studyId}/report',
      'GET',
      'admin',
      fc.tuple(study, reportQuery).map(([s, q]) => `/api/studies/${s}/report${q}`),
      noBody,
      1, // a bootstrap per request: fewer cases
    ),
    r(
      'GET /api/studies/{studyId}/export',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/export`),
      noBody,
      1, // the slowest route (a join over every verdict): fewer cases
    ),
    r(
      'POST /api/studies/{studyId}/llm-runs',
      'POST',
      'admin',
      study.map((s) => `/api/studies/${s}/llm-runs`),
      jsonBody(
        shaped({
          models: fc.array(plausibleName, { minLength: 1, maxLength: 2 }),
          provider: fc.constantFrom('openai', 'anthropic'),
          // Nothing listens on port 9 (discard): a run that starts fails fast, offline.
          baseUrl: fc.constantFrom('http://127.0.0.1:9/v1', 'not a url', 'file:///etc/passwd'),
          apiKeyEnv: fc.constantFrom('OPENAI_API_KEY', 'TA_FUZZ_NOT_SET_KEY', 'PATH'),
          concurrency: fc.integer({ min: 1, max: 4 }),
          rpm: fc.integer({ min: 1, max: 100 }),
          swap: fc.boolean(),
          maxCostUsd: fc.double({ min: 0, max: 10, noNaN: true }),
          template: fc.constantFrom('{{question}}', '{{#each}}', '{{bogus}}'),
          withReference: fc.boolean(),
          temperature: fc.double({ min: 0, max: 2, noNaN: true }),
          maxTokens: fc.integer({ min: 1, max: 100 }),
          seed: fc.integer({ min: 0, max: 10 }),
          structured: fc.boolean(),
          prices: fc.dictionary(
            plausibleName,
            fc.record({
              input: fc.double({ min: 0, max: 1, noNaN: true }),
              output: fc.constant(1),
            }),
            { maxKeys: 2 },
          ),
        }),
      ),
    ),
    r(
      'GET /api/studies/{studyId}/llm-runs',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/llm-runs`),
    ),
    r(
      'GET /api/studies/{studyId}/llm-runs/{runId}',
      'GET',
      'admin',
      fc
        .tuple(study, segment([ids.studies[0]!]))
        .map(([s, r]) => `/api/studies/${s}/llm-runs/${r}`),
    ),
    r(
      'POST /api/studies/{studyId}/llm-runs/{runId}/cancel',
      'POST',
      'admin',
      fc
        .tuple(study, segment([ids.studies[0]!]))
        .map(([s, r]) => `/api/studies/${s}/llm-runs/${r}/cancel`),
    ),
    // The live dashboard is a websocket; a plain GET must still be answered with a 4xx.
    r(
      'GET /api/studies/{studyId}/live',
      'GET',
      'admin',
      fc
        .tuple(study, queryString({ token: fc.constant(ids.admin) }))
        .map(([s, q]) => `/api/studies/${s}/live${q}`),
    ),
    // Accounts and roles (docs/roles.md).
    r(
      'GET /api/studies/{studyId}/roles',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/roles`),
    ),
    r(
      'PUT /api/studies/{studyId}/roles/{name}',
      'PUT',
      'admin',
      fc.tuple(study, segment(['alice', 'bob'])).map(([s, n]) => `/api/studies/${s}/roles/${n}`),
      jsonBody(shaped({ role: fc.constantFrom('owner', 'viewer', 'admin') })),
    ),
    r(
      'DELETE /api/studies/{studyId}/roles/{name}',
      'DELETE',
      'admin',
      fc.tuple(study, segment(['alice', 'bob'])).map(([s, n]) => `/api/studies/${s}/roles/${n}`),
    ),
    r('GET /api/accounts/me', 'GET', 'admin', fc.constant('/api/accounts/me')),
    r('GET /api/accounts/', 'GET', 'admin', fc.constant('/api/accounts')),
    r(
      'POST /api/accounts/',
      'POST',
      'admin',
      fc.constant('/api/accounts'),
      jsonBody(shaped({ name: plausibleName, serverAdmin: fc.boolean() })),
    ),
    r(
      'POST /api/accounts/{name}/revoke',
      'POST',
      'admin',
      segment(['alice', 'bob']).map((n) => `/api/accounts/${n}/revoke`),
      noBody,
      1,
    ),
    // Identity-leak flags (docs/integrity.md).
    r(
      'GET /api/studies/{studyId}/integrity',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/integrity`),
    ),
    r(
      'POST /api/studies/{studyId}/integrity/scan',
      'POST',
      'admin',
      study.map((s) => `/api/studies/${s}/integrity/scan`),
      noBody,
      1,
    ),
    r(
      'POST /api/studies/{studyId}/integrity/words',
      'POST',
      'admin',
      study.map((s) => `/api/studies/${s}/integrity/words`),
      jsonBody(shaped({ word: plausibleName })),
      1,
    ),
    r(
      'DELETE /api/studies/{studyId}/integrity/words/{word}',
      'DELETE',
      'admin',
      fc
        .tuple(study, segment(['sft', 'gpt']))
        .map(([s, w]) => `/api/studies/${s}/integrity/words/${w}`),
    ),
    r(
      'POST /api/studies/{studyId}/integrity/outputs/{outputId}/decision',
      'POST',
      'admin',
      fc
        .tuple(study, segment(ids.items))
        .map(([s, o]) => `/api/studies/${s}/integrity/outputs/${o}/decision`),
      jsonBody(
        shaped({
          decision: fc.constantFrom('release', 'redact', 'exclude', 'hold'),
          trace: fc.string({ maxLength: 30 }),
          answer: fc.string({ maxLength: 30 }),
        }),
      ),
    ),
    // Qualification and adjudication (docs/qualification.md).
    r('GET /api/judge/qualification', 'GET', 'judge', fc.constant('/api/judge/qualification')),
    r(
      'POST /api/judge/qualification/next',
      'POST',
      'judge',
      fc.constant('/api/judge/qualification/next'),
    ),
    r(
      'POST /api/judge/qualification/items/{id}/answer',
      'POST',
      'judge',
      segment(ids.items).map((i) => `/api/judge/qualification/items/${i}/answer`),
      jsonBody(shaped({ winner: side })),
    ),
    r(
      'POST /api/judge/adjudication/next',
      'POST',
      'judge',
      fc.constant('/api/judge/adjudication/next'),
    ),
    r(
      'POST /api/judge/adjudication/{id}',
      'POST',
      'judge',
      segment(ids.assignments).map((i) => `/api/judge/adjudication/${i}`),
      jsonBody(shaped({ winner: side, reason: fc.string({ maxLength: 30 }) })),
    ),
    r(
      'GET /api/studies/{studyId}/qualification',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/qualification`),
    ),
    r(
      'PUT /api/studies/{studyId}/qualification',
      'PUT',
      'admin',
      study.map((s) => `/api/studies/${s}/qualification`),
      jsonBody(
        shaped({
          required: fc.boolean(),
          passMark: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), nastyNumber),
          maxAttempts: fc.integer({ min: 0, max: 5 }),
          adjudication: fc.constantFrom('off', 'no-majority', 'any-disagreement'),
        }),
      ),
      1,
    ),
    r(
      'POST /api/studies/{studyId}/qualification/items',
      'POST',
      'admin',
      study.map((s) => `/api/studies/${s}/qualification/items`),
      jsonBody(
        shaped({
          comparisonId: fc.constantFrom(...ids.items),
          expected: fc.constantFrom('a', 'b', 'tie'),
          explanation: fc.string({ maxLength: 30 }),
        }),
      ),
    ),
    r(
      'DELETE /api/studies/{studyId}/qualification/items/{id}',
      'DELETE',
      'admin',
      fc
        .tuple(study, segment(ids.items))
        .map(([s, i]) => `/api/studies/${s}/qualification/items/${i}`),
    ),
    r(
      'POST /api/studies/{studyId}/judges/{judgeId}/release',
      'POST',
      'admin',
      fc
        .tuple(study, segment(ids.victimJudges))
        .map(([s, j]) => `/api/studies/${s}/judges/${j}/release`),
    ),
    r(
      'PUT /api/studies/{studyId}/judges/{judgeId}/adjudicator',
      'PUT',
      'admin',
      fc
        .tuple(study, segment(ids.victimJudges))
        .map(([s, j]) => `/api/studies/${s}/judges/${j}/adjudicator`),
      jsonBody(shaped({ adjudicator: fc.boolean() })),
    ),
    // Audit trail, allocation, analysis plan.
    r(
      'GET /api/studies/{studyId}/audit',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/audit`),
      noBody,
      1,
    ),
    r(
      'GET /api/studies/{studyId}/audit/changes',
      'GET',
      'admin',
      fc
        .tuple(study, queryString({ limit: fc.integer({ min: -5, max: 600 }).map(String) }))
        .map(([s, q]) => `/api/studies/${s}/audit/changes${q}`),
    ),
    r(
      'GET /api/studies/{studyId}/allocation',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/allocation`),
    ),
    r(
      'PUT /api/studies/{studyId}/allocation',
      'PUT',
      'admin',
      study.map((s) => `/api/studies/${s}/allocation`),
      jsonBody(
        shaped({
          targetHalfWidth: fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), nastyNumber),
          autoStop: fc.boolean(),
          adaptive: fc.boolean(),
        }),
      ),
    ),
    r(
      'GET /api/studies/{studyId}/plan',
      'GET',
      'admin',
      study.map((s) => `/api/studies/${s}/plan`),
    ),
    r(
      'POST /api/studies/{studyId}/plan',
      'POST',
      'admin',
      study.map((s) => `/api/studies/${s}/plan`),
      jsonBody(
        shaped({
          plan: shaped({
            a: fc.constantFrom(...ids.systems),
            b: fc.constantFrom(...ids.systems),
            items: fc.integer({ min: -1, max: 500 }),
          }),
          force: fc.boolean(),
        }),
      ),
      1,
    ),
    r(
      'GET /api/plan/power',
      'GET',
      'admin',
      queryString({
        rate: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), nastyNumber).map(String),
        icc: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), nastyNumber).map(String),
        verdictsPerItem: numeric(0, 30),
        halfWidth: fc.oneof(fc.double({ min: 0, max: 0.5, noNaN: true }), nastyNumber).map(String),
      }).map((q) => `/api/plan/power${q}`),
    ),
    // A wrong method or an unknown path under the API.
    r(
      'other method or path',
      'PATCH',
      'admin',
      fc.tuple(study, nastyString).map(([s, x]) => `/api/studies/${s}/${enc(x) || 'x'}`),
    ),
  ];
}

function authFor(role: Role, ids: Ids): fc.Arbitrary<string | undefined> {
  const right = role === 'admin' ? [ids.admin] : role === 'judge' ? ids.judges : [];
  const hostile = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      `Bearer ${role === 'admin' ? ids.judges[0] : ids.admin}`,
      `Bearer ${ids.revokedJudge}`,
      'Bearer',
      'Basic YTpi',
      `bearer  ${ids.admin}x`,
    ),
    nastyString.map((s) => `Bearer ${s}`),
  );
  if (!right.length) return fc.oneof(hostile, fc.constant(`Bearer ${ids.admin}`));
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...right).map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: hostile },
  );
}

describe('HTTP fuzz of every judge and admin route (PGlite)', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let ids: Ids;

  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
    // The rate limiter off: it would answer most of 10,000 requests from one token with 429.
    const config = loadConfig({
      TRACEARENA_RATE_LIMIT_PER_TOKEN: '0',
      TRACEARENA_RATE_LIMIT_PER_IP: '0',
    });
    app = await buildApp({ database: tdb, logger: false, config });
    const admin = await createAdminToken(tdb.db);
    const systems = ['sft', 'base', 'rl'];
    const main = await makePairedStudy(tdb.db, { items: 6, systems, k: 2 });
    const empty = await makeStudy(tdb.db, { items: 0 });
    const judges = await makeJudges(tdb.db, main.studyId, 4);
    const [revoked, ...victims] = await makeJudges(tdb.db, main.studyId, 3);
    await revokeJudge(tdb.db, { judgeId: revoked!.id });
    const assignments: string[] = [];
    const leases = new Map<string, string>();
    for (const j of judges) {
      const next = await app.inject({
        method: 'POST',
        url: '/api/judge/next',
        headers: { authorization: `Bearer ${j.token}` },
      });
      if (next.statusCode !== 200) continue;
      const id = next.json<{ assignment: { id: string } }>().assignment.id;
      assignments.push(id);
      leases.set(id, `Bearer ${j.token}`);
    }
    const items = await queryRows<{ id: string }>(
      tdb.db,
      sql`select id from items where study_id = ${main.studyId}`,
    );
    const images = await queryRows<{ id: string }>(
      tdb.db,
      sql`select ii.id from item_images ii join items i on i.id = ii.item_id where i.study_id = ${main.studyId}`,
    );
    ids = {
      admin,
      judges: judges.map((j) => j.token),
      revokedJudge: revoked!.token,
      studies: [main.studyId, main.studyId, empty.studyId],
      items: items.map((i) => i.id),
      victimJudges: victims.map((v) => v.id),
      assignments,
      leases,
      images: images.map((i) => i.id),
      systems,
    };
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it(`answers ${RUNS} seeded hostile requests without a 5xx, each error on one line`, async () => {
    const table = routeTable(ids);
    // Every route of the OpenAPI document has fuzz cases.
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const fuzzed = new Set(table.map((t) => t.route.replace(/\/$/, '')));
    expect(documented.filter((d) => !fuzzed.has(d.replace(/\/$/, '')))).toEqual([]);

    const cases = fc.oneof(
      ...table.map((t) => ({
        weight: t.weight,
        arbitrary: fc
          .record({
            url: t.url,
            auth: authFor(t.role, ids),
            own: fc.boolean(),
            host: fc.option(
              fc.oneof(
                fc.constantFrom('evil.example', '', ' ', '[::1', 'x:99999', 'a b', '%00'),
                nastyString,
              ),
              { freq: 8, nil: undefined },
            ),
            body: t.body,
          })
          .map((c): Case => ({ route: t.route, method: t.method, ...c })),
      })),
    );

    const perRoute = new Map<
      string,
      { cases: number; ms: number; byStatus: Record<number, number> }
    >();
    const failures: string[] = [];
    let unsendable = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const headers: Record<string, string> = {};
        const holder = ids.leases.get(/assignments\/([^/]+)\//.exec(c.url)?.[1] ?? '');
        const judgeAuth = c.auth !== undefined && ids.judges.some((t) => c.auth === `Bearer ${t}`);
        const auth = c.own && holder && judgeAuth ? holder : c.auth;
        if (auth !== undefined) headers.authorization = auth;
        if (c.host !== undefined) headers.host = c.host;
        if (c.body.contentType !== undefined) headers['content-type'] = c.body.contentType;
        const options: InjectOptions = { method: c.method, url: c.url, headers };
        if (c.body.payload !== undefined) options.payload = c.body.payload;
        let res;
        const t0 = performance.now();
        try {
          res = await app.inject(options);
        } catch {
          unsendable++; // light-my-request refused to build it (e.g. an invalid header value)
          return;
        }
        if (c.route === 'POST /api/judge/next' && res.statusCode === 200 && auth)
          ids.leases.set(res.json<{ assignment: { id: string } }>().assignment.id, auth);
        const stats = perRoute.get(c.route) ?? { cases: 0, ms: 0, byStatus: {} };
        stats.cases++;
        stats.ms += performance.now() - t0;
        stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
        perRoute.set(c.route, stats);
        const describe = () =>
          `${c.route}: ${res.statusCode} ${res.body.slice(0, 200)} ← ${JSON.stringify(c).slice(0, 400)}`;
        if (res.statusCode >= 400 && process.env.TA_FUZZ_DUMP)
          appendFileSync(process.env.TA_FUZZ_DUMP, `${JSON.stringify({ c, body: res.body })}\n`);
        if (res.statusCode >= 500) failures.push(describe());
        else if (res.statusCode >= 400 && String(res.headers['content-type']).includes('json')) {
          const message = (res.json() as { message?: unknown }).message;
          if (typeof message !== 'string' || /[\n\r\u2028\u2029]/.test(message))
            failures.push(`multi-line or missing message: ${describe()}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const seconds = (performance.now() - started) / 1000;
    const total = [...perRoute.values()].reduce((s, r) => s + r.cases, 0);
    console.info(
      `HTTP fuzz: ${total} cases in ${seconds.toFixed(1)} s (${unsendable} unsendable), 5xx: ${failures.length}` +
        '\n' +
        [...perRoute]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(
            ([route, s]) =>
              `  ${route}: ${s.cases} in ${(s.ms / 1000).toFixed(1)} s ${JSON.stringify(s.byStatus)}`,
          )
          .join('\n'),
    );
    expect(failures.slice(0, 30)).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(Math.min(RUNS, 10_000));
    // every route gets at least half the cases its weight gives it
    const totalWeight = table.reduce((sum, t) => sum + t.weight, 0);
    for (const { route, weight } of table)
      expect(perRoute.get(route)?.cases ?? 0, route).toBeGreaterThanOrEqual(
        Math.floor((RUNS * weight) / totalWeight / 2),
      );

    // Still healthy: health answers and a fresh judge can judge.
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const [fresh] = await makeJudges(tdb.db, ids.studies[0]!, 1);
    const headers = { authorization: `Bearer ${fresh!.token}` };
    const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
    expect(next.statusCode).toBe(200);
    const id = next.json<{ assignment: { id: string } }>().assignment.id;
    const verdict = await app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${id}/verdict`,
      headers,
      payload: { winner: 'left', axes: {} },
    });
    expect(verdict.statusCode).toBe(200);
  }, 300_000);
});
