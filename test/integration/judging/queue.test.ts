import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { queryRows } from '../../../server/db/client.ts';
import { loadConfig } from '../../../server/config.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy, systemLabel } from '../../helpers/factories.ts';

describe.each(backends())('judging queue on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  const next = (token: string) =>
    app.inject({
      method: 'POST',
      url: '/api/judge/next',
      headers: { authorization: `Bearer ${token}` },
    });
  const verdict = (token: string, id: string, body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${id}/verdict`,
      headers: { authorization: `Bearer ${token}` },
      payload: body,
    });

  it('returns the same lease again on a repeated next, then the next comparison after a verdict', async () => {
    const study = await makePairedStudy(tdb.db, { items: 3 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const first = await next(judge!.token);
    expect(first.statusCode).toBe(200);
    const again = await next(judge!.token);
    expect(again.json().assignment.id).toBe(first.json().assignment.id);
    const v = await verdict(judge!.token, first.json().assignment.id, {
      winner: 'left',
      axes: { perception: 'tie' },
    });
    expect(v.statusCode).toBe(200);
    expect(v.json()).toMatchObject({ ok: true, duplicate: false, progress: { done: 1 } });
    const second = await next(judge!.token);
    expect(second.json().assignment.id).not.toBe(first.json().assignment.id);
  });

  it('stores the verdict relative to the systems and keeps shown_left', async () => {
    const study = await makePairedStudy(tdb.db, { items: 6 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    for (let i = 0; i < 6; i++) {
      const res = (await next(judge!.token)).json();
      const id = res.assignment.id as string;
      // The left trace names its author in this fixture, so we know which system was shown left.
      const leftIsSft = (res.assignment.left.trace as string).endsWith(
        `by ${systemLabel(['sft', 'base'], 'sft')}`,
      );
      const r = await verdict(judge!.token, id, { winner: 'left', axes: { rationale: 'right' } });
      expect(r.statusCode).toBe(200);
      const [row] = await queryRows<{
        winner: string;
        shown_left: string;
        axes: Record<string, string>;
      }>(tdb.db, sql`select winner, shown_left, axes from verdicts where assignment_id = ${id}`);
      expect(row!.shown_left).toBe(leftIsSft ? 'a' : 'b');
      expect(row!.winner).toBe(leftIsSft ? 'a' : 'b');
      expect(row!.axes.rationale).toBe(leftIsSft ? 'b' : 'a');
    }
    expect((await next(judge!.token)).statusCode).toBe(204);
  });

  it('treats the same verdict again as a no-op and a different one as 409', async () => {
    const study = await makePairedStudy(tdb.db, { items: 1 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const id = (await next(judge!.token)).json().assignment.id;
    const body = { winner: 'tie', axes: {}, strength: 1, note: 'close call' };
    expect((await verdict(judge!.token, id, body)).statusCode).toBe(200);
    const dup = await verdict(judge!.token, id, body);
    expect(dup.statusCode).toBe(200);
    expect(dup.json().duplicate).toBe(true);
    const diff = await verdict(judge!.token, id, { ...body, winner: 'left' });
    expect(diff.statusCode).toBe(409);
    expect(diff.json().code).toBe('TA_VERDICT_CONFLICT');
    const [{ n }] = (await queryRows<{ n: number }>(
      tdb.db,
      sql`select count(*)::int as n from verdicts where assignment_id = ${id}`,
    )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('returns 410 when an expired lease was taken by another judge, and accepts a late verdict when it was not', async () => {
    const study = await makePairedStudy(tdb.db, { items: 1, leaseSeconds: 5 });
    const [a, b] = await makeJudges(tdb.db, study.studyId, 2);
    const id = (await next(a!.token)).json().assignment.id;
    expect((await next(b!.token)).statusCode).toBe(204); // K = 1 and the only slot is leased
    // b answering a's live lease: refused without claiming a's lease expired, which it did not
    const foreign = await verdict(b!.token, id, { winner: 'left', axes: {} });
    expect(foreign.statusCode).toBe(410);
    expect(foreign.json().message).toBe(
      'this assignment is not leased to you: its lease expired and another judge took it, or it was never yours',
    );
    await tdb.db.execute(
      sql`update assignments set lease_expires_at = now() - interval '1 second' where id = ${id}`,
    );
    const taken = await next(b!.token);
    expect(taken.json().assignment.id).toBe(id);
    const late = await verdict(a!.token, id, { winner: 'left', axes: {} });
    expect(late.statusCode).toBe(410);
    expect(late.json().code).toBe('TA_LEASE_LOST');
    expect((await verdict(b!.token, id, { winner: 'right', axes: {} })).statusCode).toBe(200);
  });

  it('gives a judge a second comparison of an item only when no unseen item is left', async () => {
    // three candidates against one base: two comparisons of one item would show the base's output
    // twice, and the judge could tell which side it is on (docs/integrity.md)
    const study = await makePairedStudy(tdb.db, {
      items: 12,
      systems: ['c1', 'c2', 'c3', 'base'],
    });
    const [judge, other] = await makeJudges(tdb.db, study.studyId, 2);
    const questions: string[] = [];
    for (;;) {
      const res = await next(judge!.token);
      if (res.statusCode === 204) break;
      const { assignment } = res.json();
      questions.push(assignment.item.question);
      expect(
        (await verdict(judge!.token, assignment.id, { winner: 'left', axes: {} })).statusCode,
      ).toBe(200);
    }
    // the twelve items come first, once each …
    expect(new Set(questions.slice(0, 12)).size).toBe(12);
    // … and then the rest: the rule orders the queue, it never stalls it
    expect(questions).toHaveLength(36);
    expect((await next(other!.token)).statusCode).toBe(204);
  });

  it('gives three judges taking turns on 20 items × 3 candidates 20 distinct items each', async () => {
    // before the rule, the same queue gave them 6, 6 and 5 items in two comparisons
    const study = await makePairedStudy(tdb.db, {
      items: 20,
      systems: ['c1', 'c2', 'c3', 'base'],
      seed: 's3',
    });
    const judges = await makeJudges(tdb.db, study.studyId, 3);
    const seen = judges.map(() => [] as string[]);
    for (let round = 0; round < 20; round++)
      for (const [j, judge] of judges.entries()) {
        const { assignment } = (await next(judge.token)).json();
        seen[j]!.push(assignment.item.question);
        await verdict(judge.token, assignment.id, { winner: 'left', axes: {} });
      }
    for (const questions of seen) expect(new Set(questions).size).toBe(20);
    for (const judge of judges) expect((await next(judge.token)).statusCode).toBe(204);
  });

  it('counts the comparison on screen and a skipped one as seen', async () => {
    const study = await makePairedStudy(tdb.db, { items: 6, systems: ['c1', 'c2', 'base'] });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const first = (await next(judge!.token)).json().assignment;
    // the prefetch while the first is on screen: another item
    const prefetch = await app.inject({
      method: 'POST',
      url: '/api/judge/next',
      headers: { authorization: `Bearer ${judge!.token}` },
      payload: { exclude: [first.id] },
    });
    const second = prefetch.json().assignment;
    expect(second.item.question).not.toBe(first.item.question);
    const skipped = await app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${first.id}/skip`,
      headers: { authorization: `Bearer ${judge!.token}` },
      payload: { reason: 'skip' },
    });
    expect(skipped.statusCode).toBe(200);
    expect((await verdict(judge!.token, second.id, { winner: 'left', axes: {} })).statusCode).toBe(
      200,
    );
    const rest: string[] = [];
    for (;;) {
      const res = await next(judge!.token);
      if (res.statusCode === 204) break;
      rest.push(res.json().assignment.item.question);
      await verdict(judge!.token, res.json().assignment.id, { winner: 'tie', axes: {} });
    }
    // the four items not seen come first, the skipped item's among them neither
    expect(rest).toHaveLength(10);
    const unseen = rest.slice(0, 4);
    expect(new Set(unseen).size).toBe(4);
    expect(unseen).not.toContain(first.item.question);
    expect(unseen).not.toContain(second.item.question);
  });

  it('still counts an item as seen after the judge’s expired lease on it was taken over', async () => {
    const study = await makePairedStudy(tdb.db, { items: 12, systems: ['c1', 'c2', 'base'] });
    const [a, b] = await makeJudges(tdb.db, study.studyId, 2);
    const first = (await next(a!.token)).json().assignment;
    await tdb.db.execute(
      sql`update assignments set lease_expires_at = now() - interval '1 second' where id = ${first.id}`,
    );
    // the expired slot waits at the head of the queue, and the next judge to ask takes it over
    expect((await next(b!.token)).json().assignment.id).toBe(first.id);
    expect((await verdict(a!.token, first.id, { winner: 'left', axes: {} })).statusCode).toBe(410);
    const after: string[] = [];
    for (let i = 0; i < 11; i++) {
      const { assignment } = (await next(a!.token)).json();
      after.push(assignment.item.question);
      await verdict(a!.token, assignment.id, { winner: 'left', axes: {} });
    }
    // eleven items a has not seen were left: its first item's other comparison was not among them
    expect(after).not.toContain(first.item.question);
    expect(new Set(after).size).toBe(11);
  });

  it('respects the quota and gives K distinct judges each comparison, breadth first', async () => {
    const study = await makePairedStudy(tdb.db, { items: 4, k: 2 });
    const [a, b, c] = await makeJudges(tdb.db, study.studyId, 3, 3);
    const seen: Record<string, string[]> = {};
    for (const j of [a!, b!, c!]) {
      seen[j.name] = [];
      for (;;) {
        const r = await next(j.token);
        if (r.statusCode === 204) break;
        const body = r.json();
        seen[j.name]!.push(body.assignment.left.trace.split(' ')[0]);
        await verdict(j.token, body.assignment.id, { winner: 'tie', axes: {} });
      }
    }
    expect(seen[a!.name]).toHaveLength(3);
    expect(seen[b!.name]).toHaveLength(3);
    // one comparison is left with two free slots, but a judge may take only one of them
    expect(seen[c!.name]).toHaveLength(1);
    // breadth first: the second judge finishes the comparisons the first one opened
    expect([...seen[b!.name]!].sort()).toEqual([...seen[a!.name]!].sort());
    for (const list of Object.values(seen)) expect(new Set(list).size).toBe(list.length);
  });

  it('prefetches the comparison after the one on screen, and counts the one on screen against the quota', async () => {
    const study = await makePairedStudy(tdb.db, { items: 3 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1, 2);
    const prefetch = (exclude: string) =>
      app.inject({
        method: 'POST',
        url: '/api/judge/next',
        headers: { authorization: `Bearer ${judge!.token}` },
        payload: { exclude: [exclude] },
      });
    const current = (await next(judge!.token)).json().assignment.id;
    const ahead = (await prefetch(current)).json().assignment.id;
    expect(ahead).not.toBe(current);
    expect((await prefetch(current)).json().assignment.id).toBe(ahead); // stable, not a third lease
    expect((await next(judge!.token)).json().assignment.id).toBe(current); // the oldest lease stays on screen
    await verdict(judge!.token, current, { winner: 'left', axes: {} });
    expect((await next(judge!.token)).json().assignment.id).toBe(ahead);
    // quota 2: one done, one on screen → nothing more to prefetch
    expect((await prefetch(ahead)).statusCode).toBe(204);
  });

  it('never gives back a skipped comparison to the judge who skipped it', async () => {
    const study = await makePairedStudy(tdb.db, { items: 2 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const first = (await next(judge!.token)).json().assignment.id;
    const skip = await app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${first}/skip`,
      headers: { authorization: `Bearer ${judge!.token}` },
      payload: { reason: 'cannot_judge' },
    });
    expect(skip.statusCode).toBe(200);
    const second = (await next(judge!.token)).json().assignment.id;
    expect(second).not.toBe(first);
    await verdict(judge!.token, second, { winner: 'left', axes: {} });
    expect((await next(judge!.token)).statusCode).toBe(204);
    // skipping what one has judged: refused, saying so (it said a different verdict existed)
    const late = await app.inject({
      method: 'POST',
      url: `/api/judge/assignments/${second}/skip`,
      headers: { authorization: `Bearer ${judge!.token}` },
      payload: { reason: 'skip' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({
      code: 'TA_ALREADY_JUDGED',
      message: 'your verdict on this comparison is recorded: it cannot be skipped now',
    });
  });

  it('refuses admin tokens on judge routes, judge tokens on admin routes, and revoked invites', async () => {
    const study = await makePairedStudy(tdb.db, { items: 1 });
    const [judge] = await makeJudges(tdb.db, study.studyId, 1);
    const { createAdminToken } = await import('../../../server/auth/repository.ts');
    const admin = await createAdminToken(tdb.db);
    expect((await next(admin)).statusCode).toBe(403);
    expect((await next('nonsense')).statusCode).toBe(401);
    const adminRoute = await app.inject({
      method: 'GET',
      url: '/api/studies',
      headers: { authorization: `Bearer ${judge!.token}` },
    });
    expect(adminRoute.statusCode).toBe(403);
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/studies/${study.studyId}/judges/${judge!.id}/revoke`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoke.statusCode).toBe(200);
    const refused = await next(judge!.token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('TA_INVITE_REVOKED');
  });
});
