import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { exportAudit, recordAdminAction } from '../../../server/audit/service.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { getStudyReport } from '../../../server/reports/study-report.ts';
import {
  auditEventSchema,
  auditVerdictSchema,
  type AuditEvent,
  type AuditVerdict,
} from '../../../shared/audit.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { runCli } from '../../helpers/processes.ts';

/**
 * The audit trail (issue 16 item 2, docs/audit.md): a study judged over HTTP by three judges, with
 * a prefetch, a lease that expires and is re-issued to another judge, a skip, a can't-judge with a
 * note and a revoked judge. Its audit export reproduces, for every verdict, the item, the sides
 * shown and the times; `tracearena report --from-audit` rebuilds the study's report from the export
 * alone; audit_events refuses UPDATE, DELETE and TRUNCATE.
 */
describe.each(backends())('audit trail on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  let dir: string;
  let study: Awaited<ReturnType<typeof makePairedStudy>>;
  let judges: Awaited<ReturnType<typeof makeJudges>>;
  let events: AuditEvent[];
  let exportFile: string;

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  async function next(token: string, exclude?: string): Promise<string | null> {
    const r = await app.inject({
      method: 'POST',
      url: '/api/judge/next',
      headers: auth(token),
      ...(exclude ? { payload: { exclude: [exclude] } } : {}),
    });
    if (r.statusCode === 204) return null;
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ assignment: { id: string } }>().assignment.id;
  }
  async function verdict(token: string, id: string, body: Record<string, unknown>) {
    return app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${id}/verdict`,
      headers: auth(token),
      payload: body,
    });
  }

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = auth(await createAdminToken(tdb.db));
    dir = await mkdtemp(join(tmpdir(), 'ta-audit-'));
    // Leases of five seconds (the least a study allows), so that one expires; set back to ten minutes once it has.
    study = await makePairedStudy(tdb.db, {
      items: 12,
      systems: ['sft', 'rl', 'base'],
      k: 1,
      leaseSeconds: 5,
      axes: ['accuracy'],
    });
    judges = await makeJudges(tdb.db, study.studyId, 3);
    // A locked plan at level 0.9: the default report (0.95) deviates from it, in both reports.
    const locked = await app.inject({
      method: 'POST',
      url: `/api/studies/${study.studyId}/plan`,
      headers: admin,
      payload: {
        plan: {
          version: 1,
          primary: { a: 'sft', b: 'base' },
          metric: { kind: 'win-rate', ties: 'half' },
          interval: { ci: 'auto', level: 0.9 },
          judgesPerComparison: 1,
          stopping: { rule: 'fixed' },
          items: 12,
        },
      },
    });
    expect(locked.statusCode, locked.body).toBe(201);
    const [j0, j1, j2] = judges.map((j) => j.token) as [string, string, string];

    // Judge 0 takes a comparison and lets its lease run out; judge 1 is then given the same slot.
    const expired = (await next(j0))!;
    await new Promise((r) => setTimeout(r, 5300));
    await tdb.db.execute(sql`update studies set lease_seconds = 600 where id = ${study.studyId}`);
    const reissued = (await next(j1))!;
    expect(reissued).toBe(expired);
    // Judge 0's late verdict is refused: the lease was lost.
    expect(
      (await verdict(j0, expired, { winner: 'left', axes: { accuracy: 'left' } })).statusCode,
    ).toBe(410);
    expect(
      (await verdict(j1, reissued, { winner: 'right', axes: { accuracy: 'right' }, note: 'clear' }))
        .statusCode,
    ).toBe(200);

    // Judge 2 skips one comparison and cannot judge another (with a note).
    const skipped = (await next(j2))!;
    const sk = await app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${skipped}/skip`,
      headers: auth(j2),
      payload: { reason: 'skip' },
    });
    expect(sk.statusCode, sk.body).toBe(200);
    const cannot = (await next(j2))!;
    const cj = await app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${cannot}/skip`,
      headers: auth(j2),
      payload: { reason: 'cannot_judge', note: 'image missing' },
    });
    expect(cj.statusCode, cj.body).toBe(200);

    // Everyone judges what is left, the way the page does: the next one prefetched while judging.
    const winners = ['left', 'right', 'tie'] as const;
    let n = 0;
    for (let round = 0; round < 20; round++) {
      let progressed = false;
      for (const token of [j0, j1, j2]) {
        const current = await next(token);
        if (!current) continue;
        await next(token, current); // the prefetch
        const w = winners[n++ % 3]!;
        const r = await verdict(token, current, {
          winner: w,
          axes: { accuracy: w },
          elapsedMs: 500 + n,
        });
        expect(r.statusCode, r.body).toBe(200);
        progressed = true;
      }
      if (!progressed) break;
    }
    // An admin action recorded by a caller, and a judge revoked over the admin API.
    await recordAdminAction(tdb.db, {
      studyId: study.studyId,
      actor: 'cli',
      action: 'test_action',
      details: { n },
    });
    const rv = await app.inject({
      method: 'POST',
      url: `/api/studies/${study.studyId}/judges/${judges[2]!.id}/revoke`,
      headers: admin,
    });
    expect(rv.statusCode, rv.body).toBeLessThan(300);

    events = [];
    for await (const e of exportAudit(tdb.db, { studyId: study.studyId }))
      events.push(auditEventSchema.parse(JSON.parse(JSON.stringify(e))));
    exportFile = join(dir, 'audit.jsonl');
    await writeFile(exportFile, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('numbers the events in order and names who did each', () => {
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of events) {
      expect(e.study_id).toBe(study.studyId);
      expect(e.actor).toMatch(
        /^(admin|cli|system|account:[\w.@-]+|judge:[0-9a-f-]{36}|llm-run:[0-9a-f-]{36})$/,
      );
    }
    const kinds = new Set(events.map((e) => e.kind));
    for (const k of [
      'pair',
      'plan_lock',
      'judge_added',
      'lease_taken',
      'shown',
      'lease_renewed',
      'lease_expired',
      'lease_released',
      'verdict',
      'skip',
      'cannot_judge',
      'note',
      'judge_revoked',
      'test_action',
    ])
      expect(kinds, k).toContain(k);
    expect(events.find((e) => e.kind === 'test_action')).toMatchObject({
      actor: 'cli',
      data: { n: expect.any(Number) },
    });
    // over HTTP, the account that made the change (docs/roles.md)
    expect(events.find((e) => e.kind === 'plan_lock')).toMatchObject({
      actor: expect.stringMatching(/^account:admin-/),
      data: {
        plan: {
          plan: { interval: { level: 0.9 } },
          lockedBy: expect.stringMatching(/^account:admin-\S+ \(HTTP\)$/),
        },
      },
    });
    expect(events.find((e) => e.kind === 'judge_revoked')).toMatchObject({
      actor: 'admin',
      judge_id: judges[2]!.id,
    });
  });

  it('reproduces, for every verdict, the item, the sides shown and the times', async () => {
    const stored = await queryRows<{
      id: string;
      assignment_id: string;
      judge_id: string;
      item: string;
      a: string;
      b: string;
      shown_left: 'a' | 'b';
      winner: string;
      leased_at: string;
      created_at: string;
      reading_ms: number | null;
    }>(
      tdb.db,
      sql`
      select v.id, v.assignment_id, v.judge_id, i.external_id as item, sa.name as a, sb.name as b,
        v.shown_left, v.winner, v.reading_ms,
        to_char(v.leased_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as leased_at,
        to_char(v.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at
      from verdicts v join comparisons c on c.id = v.comparison_id join items i on i.id = c.item_id
      join systems sa on sa.id = c.system_a_id join systems sb on sb.id = c.system_b_id
      where c.study_id = ${study.studyId}`,
    );
    const verdictEvents = events.filter((e) => e.kind === 'verdict');
    expect(stored.length).toBeGreaterThan(8);
    expect(verdictEvents).toHaveLength(stored.length);
    const byId = new Map(
      verdictEvents.map((e) => [auditVerdictSchema.parse(e.data).verdict_id, e]),
    );
    for (const v of stored) {
      const e = byId.get(v.id)!;
      const d: AuditVerdict = auditVerdictSchema.parse(e.data);
      expect(e.actor).toBe(`judge:${v.judge_id}`);
      expect({ item: d.item, a: d.a, b: d.b, shown_left: d.shown_left, winner: d.winner }).toEqual({
        item: v.item,
        a: v.a,
        b: v.b,
        shown_left: v.shown_left,
        winner: v.winner,
      });
      expect([d.left, d.right]).toEqual(v.shown_left === 'a' ? [v.a, v.b] : [v.b, v.a]);
      expect(d.leased_at).toBe(v.leased_at);
      expect(d.created_at).toBe(v.created_at);
      expect(d.reading_ms).toBe(v.reading_ms);
      // The lease that showed it: taken by this judge at the verdict's lease time, the same sides.
      const slotEvents = events.filter((x) => x.assignment_id === v.assignment_id && x.id < e.id);
      const taken = slotEvents
        .filter((x) => x.kind === 'lease_taken' && x.judge_id === v.judge_id)
        .at(-1)!;
      expect(taken.data).toMatchObject({
        leased_at: v.leased_at,
        item: v.item,
        left: d.left,
        right: d.right,
      });
      // Shown to this judge (at the lease, and again when the page confirmed it), never after the verdict.
      const shown = slotEvents.filter((x) => x.kind === 'shown' && x.judge_id === v.judge_id);
      expect(shown.length).toBeGreaterThanOrEqual(1);
      for (const s of shown) {
        expect(s.data).toMatchObject({
          item: v.item,
          shown_left: v.shown_left,
          left: d.left,
          right: d.right,
        });
        expect(s.at <= v.created_at).toBe(true);
      }
    }
  });

  it("records the expired lease, its re-issue, the skip and the can't-judge with its note", () => {
    const [j0, j1, j2] = judges;
    const expired = events.find((e) => e.kind === 'lease_expired')!;
    expect(expired).toMatchObject({
      judge_id: j0!.id,
      actor: 'system',
      data: { reissued_to: j1!.id },
    });
    const reissue = events.find(
      (e) =>
        e.kind === 'lease_taken' &&
        e.assignment_id === expired.assignment_id &&
        e.judge_id === j1!.id,
    )!;
    expect(reissue.id).toBeGreaterThan(expired.id);
    expect(reissue.data.reissued).toBe(true);
    const skip = events.find((e) => e.kind === 'skip')!;
    expect(skip).toMatchObject({ judge_id: j2!.id, actor: `judge:${j2!.id}` });
    expect(skip.data).toHaveProperty('left');
    const released = events.find(
      (e) => e.kind === 'lease_released' && e.assignment_id === skip.assignment_id,
    );
    expect(released?.id).toBeGreaterThan(skip.id);
    const cannot = events.find((e) => e.kind === 'cannot_judge')!;
    expect(cannot.data.note).toBe('image missing');
    expect(events.find((e) => e.kind === 'note' && e.judge_id === j2!.id)?.data).toEqual({
      on: 'cannot_judge',
      note: 'image missing',
    });
    expect(events.find((e) => e.kind === 'note' && e.judge_id === j1!.id)?.data).toMatchObject({
      on: 'verdict',
      note: 'clear',
    });
  });

  it("rebuilds the study's report from the export alone (report --from-audit)", async () => {
    const r = await runCli(['report', '--from-audit', exportFile, '--format', 'json'], {
      DATABASE_URL: undefined,
    });
    expect(r.code, r.stderr).toBe(0);
    const rebuilt = JSON.parse(r.stdout) as Record<string, unknown> & {
      provenance: { input: unknown };
    };
    const original = JSON.parse(
      JSON.stringify(await getStudyReport(tdb.db, { studyId: study.studyId })),
    ) as typeof rebuilt;
    expect(rebuilt.provenance.input).toEqual({ files: [exportFile] });
    expect(rebuilt.plan).toMatchObject({ deviates: true });
    rebuilt.provenance.input = null;
    original.provenance.input = null;
    // the audit trail records each verdict's output lengths, not the outputs' texts: the rebuilt
    // report has no style-controlled figure (null with its reason); everything else is equal
    const pairs = (r: typeof rebuilt) =>
      r.pairs as Array<{ styleControlled?: unknown; reasons: Record<string, string> }>;
    for (const p of pairs(rebuilt)) {
      expect(p.styleControlled).toBeNull();
      expect(p.reasons.styleControlled).toMatch(/no verdicts with both outputs' style counts/);
    }
    for (const p of [...pairs(rebuilt), ...pairs(original)]) {
      delete p.styleControlled;
      delete p.reasons.styleControlled;
    }
    expect(rebuilt).toEqual(original);
  }, 60_000);

  it('refuses UPDATE, DELETE and TRUNCATE of audit_events', async () => {
    for (const statement of [
      sql`update audit_events set actor = 'someone else' where study_id = ${study.studyId}`,
      sql`delete from audit_events where study_id = ${study.studyId}`,
      sql`truncate audit_events`,
    ]) {
      const refused = await tdb.db.execute(statement).then(
        () => 'done',
        (err: Error & { cause?: Error }) => (err.cause ?? err).message,
      );
      expect(refused).toMatch(/^audit_events is append-only: (UPDATE|DELETE|TRUNCATE) refused$/);
    }
    const after = await queryRows<{ n: number }>(
      tdb.db,
      sql`select count(*)::int as n from audit_events where study_id = ${study.studyId}`,
    );
    expect(after[0]!.n).toBe(events.length);
  });

  it.runIf(backend === 'postgres')(
    'tracearena audit --study writes the same export',
    async () => {
      const out = join(dir, 'cli-audit.jsonl');
      const r = await runCli([
        'audit',
        '--study',
        study.name,
        '--out',
        out,
        '--database-url',
        tdb.url!,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`exported ${events.length} audit events`);
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(out, 'utf8')).toBe(
        await import('node:fs/promises').then((f) => f.readFile(exportFile, 'utf8')),
      );
    },
    60_000,
  );
});
