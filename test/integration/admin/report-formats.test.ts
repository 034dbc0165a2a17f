import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

/** Issue 12 point 5: `GET /api/studies/:id/report?format=…` honours the format or refuses it. */
describe('report formats over HTTP', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  let url: string;
  beforeAll(async () => {
    tdb = await openTestDatabase('pglite');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
    const study = await makePairedStudy(tdb.db, { items: 6 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const headers = { authorization: `Bearer ${judge!.token}` };
    for (let i = 0; ; i++) {
      const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
      if (next.statusCode === 204) break;
      const id = next.json<{ assignment: { id: string } }>().assignment.id;
      await app.inject({
        method: 'POST',
        url: `/api/judge/assignments/${id}/verdict`,
        headers,
        payload: { winner: (['left', 'right', 'tie'] as const)[i % 3], axes: {} },
      });
    }
    url = `/api/studies/${study.studyId}/report`;
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  const get = (query: string) =>
    app.inject({ method: 'GET', url: `${url}${query}`, headers: admin });

  it('answers JSON without a format and with format=json', async () => {
    for (const q of ['', '?format=json']) {
      const res = await get(q);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json<{ pairs: unknown[] }>().pairs.length).toBeGreaterThan(0);
    }
    expect((await get('?format=json')).headers['content-disposition']).toMatch(
      /^attachment; filename="[^"]+-report\.json"$/,
    );
  });

  it('answers HTML with an inline SVG and no external reference', async () => {
    const res = await get('?format=html');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/filename="[^"]+-report\.html"/);
    expect(res.body).toMatch(/^<!doctype html>/i);
    expect(res.body).toContain('<svg');
    expect(res.body).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(res.body).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it('answers LaTeX with a booktabs table', async () => {
    const res = await get('?format=latex');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-tex/);
    expect(res.headers['content-disposition']).toMatch(/filename="[^"]+-report\.tex"/);
    for (const cmd of ['\\toprule', '\\midrule', '\\bottomrule', '\\begin{tabular}'])
      expect(res.body).toContain(cmd);
  });

  it('answers CSV that csv-parse reads into rows of one width', async () => {
    const res = await get('?format=csv&ties=exclude');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/filename="[^"]+-report\.csv"/);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!).length).toBeGreaterThan(3);
  });

  it('answers Markdown', async () => {
    const res = await get('?format=markdown');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/markdown/);
    expect(res.headers['content-disposition']).toMatch(/filename="[^"]+-report\.md"/);
    expect(res.body).toMatch(/^\|.*\|$/m);
  });

  it.each(['xml', 'table', 'HTML', ''])('refuses format=%s with a one-line 400', async (f) => {
    const res = await get(`?format=${f}`);
    expect(res.statusCode).toBe(400);
    const { message } = res.json<{ message: string }>();
    expect(message).toMatch(/format/);
    expect(message).not.toContain('\n');
  });
});
