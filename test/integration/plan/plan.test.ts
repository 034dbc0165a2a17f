import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisPlan, LockedPlan } from '../../../shared/plan.ts';
import { reportSchema, type Report } from '../../../shared/report.ts';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { planHash } from '../../../server/plan/canonical.ts';
import { itemsForHalfWidth, itemsForPower } from '../../../server/stats/sample-size.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

/**
 * The locked analysis plan over HTTP (issue 16 item 3, docs/plan.md): locked once with the hash of
 * its canonical JSON; a report with the plan's options carries the hash and no label, a report
 * with other options is labelled "deviates from the locked plan" with what differs, in the JSON,
 * Markdown, LaTeX, HTML and the terminal table.
 */
describe.each(backends())('locked analysis plan on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: Record<string, string>;

  const plan: AnalysisPlan = {
    version: 1,
    primary: { a: 'sft', b: 'base' },
    metric: { kind: 'win-rate', ties: 'half' },
    interval: { ci: 'auto', level: 0.95 },
    judgesPerComparison: 2,
    stopping: { rule: 'fixed' },
    items: 10,
  };

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  /** Every judge judges everything it is given: left wins on even items, ties on every fifth. */
  async function judgeAll(tokens: string[]): Promise<number> {
    let n = 0;
    for (const token of tokens) {
      const headers = { authorization: `Bearer ${token}` };
      for (;;) {
        const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
        if (next.statusCode === 204) break;
        const { assignment } = next.json<{
          assignment: { id: string; item: { question: string } };
        }>();
        const item = Number(/Question (\d+)\?/.exec(assignment.item.question)![1]);
        const r = await app.inject({
          method: 'POST',
          url: `/api/judge/assignments/${assignment.id}/verdict`,
          headers,
          payload: { winner: item % 5 === 0 ? 'tie' : item % 2 ? 'right' : 'left' },
        });
        expect(r.statusCode, r.body).toBe(200);
        n++;
      }
    }
    return n;
  }

  const lock = (studyId: string, body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/plan`,
      headers: admin,
      payload: body,
    });

  async function report(studyId: string, query: string): Promise<Report> {
    const res = await app.inject({
      url: `/api/studies/${studyId}/report?rounds=50${query}`,
      headers: admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    return reportSchema.parse(res.json());
  }

  async function formats(studyId: string, query: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const format of ['markdown', 'latex', 'html']) {
      const res = await app.inject({
        url: `/api/studies/${studyId}/report?rounds=50&format=${format}${query}`,
        headers: admin,
      });
      expect(res.statusCode, res.body).toBe(200);
      out[format] = res.body;
    }
    return out;
  }

  it('locks a plan once, before judging; reports follow it or are labelled as deviating in every format', async () => {
    const study = await makePairedStudy(tdb.db, { items: 10, systems: ['sft', 'base'], k: 2 });
    expect(
      (await app.inject({ url: `/api/studies/${study.studyId}/plan`, headers: admin })).json(),
    ).toEqual({ plan: null });

    const locked = await lock(study.studyId, { plan });
    expect(locked.statusCode, locked.body).toBe(201);
    const body = locked.json<LockedPlan>();
    expect(body).toMatchObject({
      plan,
      forced: false,
      verdictsAtLock: 0,
      lockedBy: expect.stringMatching(/^account:admin-\S+ \(HTTP\)$/),
    });
    expect(body.sha256).toBe(planHash(plan));

    // a locked plan never changes: a second lock (the same plan or another) is one clear line
    for (const again of [plan, { ...plan, items: 20 }]) {
      const second = await lock(study.studyId, { plan: again });
      expect(second.statusCode).toBe(409);
      const err = second.json<{ code: string; message: string }>();
      expect(err.code).toBe('TA_PLAN_LOCKED');
      expect(err.message).toContain(body.sha256);
      expect(err.message).not.toContain('\n');
    }
    const shown = await app.inject({ url: `/api/studies/${study.studyId}/plan`, headers: admin });
    expect(shown.json<{ plan: LockedPlan }>().plan).toEqual(body);

    const judges = await makeJudges(tdb.db, study.studyId, 2);
    expect(await judgeAll(judges.map((j) => j.token))).toBe(20);

    // the plan's own options (defaults: ci auto, level 0.95, ties half): the hash and no label
    const same = await report(study.studyId, '');
    expect(same.provenance?.planHash).toBe(body.sha256);
    expect(same.plan).toEqual({
      sha256: body.sha256,
      lockedAt: body.lockedAt,
      forced: false,
      deviates: false,
      deviations: [],
    });
    // 'auto' is the plan's choice: a report naming the method it chose still deviates from it
    const method = same.pairs[0]!.ciMethod;
    const explicit = await report(study.studyId, `&ci=${method}`);
    expect(explicit.plan?.deviations).toEqual([{ field: 'ci', planned: 'auto', used: method }]);
    for (const [format, text] of Object.entries(await formats(study.studyId, ''))) {
      expect(text, format).not.toContain('Deviates from the locked plan');
      expect(text, format).toContain(
        `Follows the locked analysis plan (SHA-256 ${body.sha256.slice(0, 12)}`,
      );
    }

    // other options: every difference listed, in the JSON and every format
    const other = await report(study.studyId, '&level=0.9&ties=exclude&ci=exact');
    expect(other.provenance?.planHash).toBe(body.sha256);
    expect(other.plan?.deviates).toBe(true);
    expect(other.plan?.deviations).toEqual([
      { field: 'ci', planned: 'auto', used: 'exact' },
      { field: 'level', planned: '0.95', used: '0.9' },
      { field: 'ties', planned: 'half', used: 'exclude' },
    ]);
    const label =
      'Deviates from the locked plan (SHA-256 ' +
      `${body.sha256.slice(0, 12)}…): ci: planned auto, used exact; level: planned 0.95, used 0.9; ties: planned half, used exclude.`;
    const texts = await formats(study.studyId, '&level=0.9&ties=exclude&ci=exact');
    expect(texts.markdown).toContain(`> **${label}**`);
    expect(texts.latex).toContain(`\\par\\noindent\\textbf{${label}}`);
    expect(texts.html).toContain(`<p class="deviation" role="alert"><strong>${label}</strong></p>`);
  });

  it("labels a report without the plan's primary pair as deviating", async () => {
    const study = await makePairedStudy(tdb.db, { items: 6, systems: ['sft', 'rl', 'base'] });
    const planned = { ...plan, primary: { a: 'sft', b: 'rl' }, judgesPerComparison: 1 };
    expect((await lock(study.studyId, { plan: planned })).statusCode).toBe(201);
    const judges = await makeJudges(tdb.db, study.studyId, 1);
    await judgeAll(judges.map((j) => j.token));
    // candidates are paired with base only: sft vs rl is not in the report
    const r = await report(study.studyId, '');
    expect(r.plan?.deviations).toEqual([{ field: 'pair', planned: 'sft vs rl', used: 'absent' }]);
  });

  it('refuses a plan after judging has started unless forced, and records a forced lock', async () => {
    const study = await makePairedStudy(tdb.db, { items: 4, systems: ['sft', 'base'] });
    const judges = await makeJudges(tdb.db, study.studyId, 1);
    expect(await judgeAll(judges.map((j) => j.token))).toBe(4);
    const refused = await lock(study.studyId, { plan: { ...plan, judgesPerComparison: 1 } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ code: string; message: string }>()).toMatchObject({
      code: 'TA_PLAN_JUDGING_STARTED',
      message: expect.stringContaining('already has 4 verdicts'),
    });
    expect(
      (await app.inject({ url: `/api/studies/${study.studyId}/plan`, headers: admin })).json(),
    ).toEqual({ plan: null });
    const forced = await lock(study.studyId, {
      plan: { ...plan, judgesPerComparison: 1 },
      force: true,
    });
    expect(forced.statusCode, forced.body).toBe(201);
    expect(forced.json<LockedPlan>()).toMatchObject({ forced: true, verdictsAtLock: 4 });
    const r = await report(study.studyId, '');
    expect(r.plan).toMatchObject({ forced: true, deviates: false });
    const { markdown } = await formats(study.studyId, '');
    expect(markdown).toContain('locked after judging had started');
  });

  it('refuses a plan naming a system the study does not have, or a malformed plan, writing nothing', async () => {
    const study = await makePairedStudy(tdb.db, { items: 2, systems: ['sft', 'base'] });
    const unknown = await lock(study.studyId, {
      plan: { ...plan, primary: { a: 'sft', b: 'gpt' } },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json<{ message: string }>().message).toBe(
      "plan field 'primary.b': study '" + study.name + "' has no system 'gpt' (it has base, sft)",
    );
    const bad = await lock(study.studyId, {
      plan: { ...plan, interval: { ci: 'auto', level: 2 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (await app.inject({ url: `/api/studies/${study.studyId}/plan`, headers: admin })).json(),
    ).toEqual({ plan: null });
    // admin only
    const judge = await app.inject({ url: `/api/studies/${study.studyId}/plan` });
    expect(judge.statusCode).toBe(401);
  });

  it('answers the sample-size calculator as plan power does', async () => {
    const res = await app.inject({
      url: '/api/plan/power?rate=0.6&icc=0.2&verdictsPerItem=3&halfWidth=0.05',
      headers: admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    const d = { rate: 0.6, icc: 0.2, verdictsPerItem: 3 };
    const expected = itemsForHalfWidth(d, 0.05, 0.95).value!;
    expect(res.json()).toMatchObject({
      items: expected.items,
      verdicts: expected.verdicts,
      halfWidth: expected.halfWidth,
      df: expected.items - 1,
      power: null,
      warning: null,
    });
    const power = await app.inject({
      url: '/api/plan/power?rate=0.7&icc=0.5&verdictsPerItem=3&power=0.8',
      headers: admin,
    });
    expect(power.json()).toMatchObject({
      items: itemsForPower(d && { ...d, rate: 0.7, icc: 0.5 }, 0.8, 0.05).value!.items,
    });
    const both = await app.inject({
      url: '/api/plan/power?rate=0.6&icc=0.2&verdictsPerItem=3',
      headers: admin,
    });
    expect(both.statusCode).toBe(400);
    expect(
      (await app.inject({ url: '/api/plan/power?rate=0.6&icc=0&verdictsPerItem=1&halfWidth=0.1' }))
        .statusCode,
    ).toBe(401);
  });
});
