/**
 * Qualification over HTTP (issue 18): training before judging, feedback after each item, a pass
 * mark and a number of attempts, holds and releases; the lease's gate gives no real comparison to
 * a judge who has not passed; training answers never become verdicts.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { backends } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

describe.each(backends())('qualification (%s)', (backend) => {
  const t = useTestApp(backend);

  const { req } = t;

  it('holds real comparisons until the judge passes; feedback after each item; held after the last attempt; released by the admin', async () => {
    const study = await makePairedStudy(t.tdb.db, { items: 6, k: 1 });
    const [alice, bob] = await makeJudges(t.tdb.db, study.studyId, 2);
    const base = `/api/studies/${study.studyId}/qualification`;
    const put = await req(t.admin, 'PUT', base, {
      required: true,
      passMark: 1,
      maxAttempts: 2,
      adjudicationRule: 'off',
    });
    expect(put.statusCode, put.body).toBe(200);
    for (const [item, explanation] of [
      ['q-0', 'Both traces read the film the same way.'],
      ['q-1', 'Neither names the fracture.'],
    ] as const) {
      const add = await req(t.admin, 'POST', `${base}/items`, {
        item,
        a: 'sft',
        b: 'base',
        winner: 'tie',
        explanation,
      });
      expect(add.statusCode, add.body).toBe(201);
    }
    // An unknown comparison is refused, naming it.
    const bad = await req(t.admin, 'POST', `${base}/items`, {
      item: 'q-99',
      a: 'sft',
      b: 'base',
      winner: 'tie',
      explanation: 'x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("'q-99'");

    // Alice: no real comparison before training.
    expect((await req(alice!.token, 'GET', '/api/judge/qualification')).json()).toMatchObject({
      status: 'training',
      total: 2,
      maxAttempts: 2,
      attemptsUsed: 0,
    });
    expect((await req(alice!.token, 'POST', '/api/judge/next')).statusCode).toBe(204);

    // Attempt 1: 'left' on both (expected tie): wrong, with the explanation and the expected side.
    const first = await req(alice!.token, 'POST', '/api/judge/qualification/next');
    const item1 = first.json();
    const fb = await req(
      alice!.token,
      'POST',
      `/api/judge/qualification/items/${item1.id}/answer`,
      {
        winner: 'left',
      },
    );
    expect(fb.json()).toMatchObject({
      correct: false,
      expected: 'tie',
      explanation: 'Both traces read the film the same way.',
      attempt: { number: 1, answered: 1, correct: 0, total: 2, passed: null },
      status: 'training',
    });
    // The same answer again: the same feedback, nothing counted twice.
    const again = await req(
      alice!.token,
      'POST',
      `/api/judge/qualification/items/${item1.id}/answer`,
      {
        winner: 'left',
      },
    );
    expect(again.json().attempt.answered).toBe(1);
    const item2 = (await req(alice!.token, 'POST', '/api/judge/qualification/next')).json();
    expect(item2.position).toBe(2);
    const end1 = (
      await req(alice!.token, 'POST', `/api/judge/qualification/items/${item2.id}/answer`, {
        winner: 'tie',
      })
    ).json();
    expect(end1).toMatchObject({ correct: true, attempt: { passed: false }, status: 'training' });
    expect((await req(alice!.token, 'POST', '/api/judge/next')).statusCode).toBe(204);

    // Attempt 2: both ties: passed, and real comparisons follow.
    for (let i = 0; i < 2; i++) {
      const it2 = (await req(alice!.token, 'POST', '/api/judge/qualification/next')).json();
      expect(it2.attempt).toBe(2);
      const f = (
        await req(alice!.token, 'POST', `/api/judge/qualification/items/${it2.id}/answer`, {
          winner: 'tie',
        })
      ).json();
      expect(f.correct).toBe(true);
      if (i === 1) expect(f).toMatchObject({ attempt: { passed: true }, status: 'passed' });
    }
    expect((await req(alice!.token, 'POST', '/api/judge/qualification/next')).statusCode).toBe(204);
    const real = await req(alice!.token, 'POST', '/api/judge/next');
    expect(real.statusCode).toBe(200);

    // Bob fails both attempts: held, no real comparison, shown as held in the quality panel.
    for (let a = 0; a < 2; a++) {
      for (let i = 0; i < 2; i++) {
        const t = (await req(bob!.token, 'POST', '/api/judge/qualification/next')).json();
        await req(bob!.token, 'POST', `/api/judge/qualification/items/${t.id}/answer`, {
          winner: 'right',
        });
      }
    }
    expect((await req(bob!.token, 'GET', '/api/judge/qualification')).json().status).toBe('held');
    expect((await req(bob!.token, 'POST', '/api/judge/qualification/next')).statusCode).toBe(204);
    expect((await req(bob!.token, 'POST', '/api/judge/next')).statusCode).toBe(204);
    const quality = (
      await req(t.admin, 'GET', `/api/studies/${study.studyId}/judge-quality`)
    ).json();
    const byName = Object.fromEntries(
      quality.map((j: { name: string; qualification: unknown }) => [j.name, j.qualification]),
    );
    expect(byName[alice!.name]).toMatchObject({ status: 'passed', attempts: 2, lastScore: 1 });
    expect(byName[bob!.name]).toMatchObject({ status: 'held', attempts: 2, lastScore: 0 });

    // Released: Bob trains again (his attempts count from the release).
    const rel = await req(
      t.admin,
      'POST',
      `/api/studies/${study.studyId}/judges/${bob!.id}/release`,
    );
    expect(rel.statusCode).toBe(200);
    expect((await req(bob!.token, 'GET', '/api/judge/qualification')).json()).toMatchObject({
      status: 'training',
      attemptsUsed: 0,
    });
    expect((await req(bob!.token, 'POST', '/api/judge/next')).statusCode).toBe(204);

    // Training answers never became verdicts: the only verdict-able slot is Alice's real lease.
    const [row] = await queryRows<{ n: number }>(
      t.tdb.db,
      sql`select count(*)::int as n from verdicts v join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}`,
    );
    expect(row!.n).toBe(0);
  });

  it('a study without qualification leases as before', async () => {
    const study = await makePairedStudy(t.tdb.db, { items: 2, k: 1 });
    const [judge] = await makeJudges(t.tdb.db, study.studyId, 1);
    expect((await req(judge!.token, 'GET', '/api/judge/qualification')).json().status).toBe(
      'not_required',
    );
    expect((await req(judge!.token, 'POST', '/api/judge/next')).statusCode).toBe(200);
  });
});
