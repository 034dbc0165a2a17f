/**
 * Training and adjudication hand comparisons to judges too, so the identity-leak hold applies to
 * them as to the queue (docs/integrity.md): an output the scan holds, or the admin excluded, may
 * name its system, and it reached trainees and adjudicators in full (found by an adversarial run:
 * a held "As sft, I think…" shown on its side to a trainee; 30 of 36 adjudication views showing
 * held originals).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { backends } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { adjudicateDisagreements, judgeEveryComparison } from './adjudication-setup.ts';

describe.each(backends())('held comparisons in training and adjudication (%s)', (backend) => {
  const t = useTestApp(backend);
  const { req } = t;

  /** Holds the comparisons of the given items, as the integrity service records a held flag. */
  const hold = async (studyId: string, items: string[]) =>
    queryRows(
      t.tdb.db,
      sql`insert into comparison_holds (comparison_id, study_id, status)
        select c.id, c.study_id, 'held' from comparisons c join items i on i.id = c.item_id
        where c.study_id = ${studyId} and i.external_id in (${sql.join(
          items.map((i) => sql`${i}`),
          sql`, `,
        )})
        on conflict (comparison_id) do update set status = 'held'`,
    );

  it('a training item on a held comparison is refused, and one held later is not shown', async () => {
    const study = await makePairedStudy(t.tdb.db, { items: 4, k: 1 });
    const [trainee] = await makeJudges(t.tdb.db, study.studyId, 1);
    const base = `/api/studies/${study.studyId}/qualification`;
    const put = await req(t.admin, 'PUT', base, {
      required: true,
      passMark: 0.5,
      maxAttempts: 2,
      adjudicationRule: 'off',
    });
    expect(put.statusCode, put.body).toBe(200);
    await hold(study.studyId, ['q-0']);
    const add = (item: string) =>
      req(t.admin, 'POST', `${base}/items`, {
        item,
        a: 'sft',
        b: 'base',
        winner: 'tie',
        explanation: 'Both read the film alike.',
      });
    const refused = await add('q-0');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain('held by the identity scan');
    for (const item of ['q-1', 'q-2']) expect((await add(item)).statusCode).toBe(201);
    // q-2 is held after it became a training item: the trainee sees q-1 only, out of one
    await hold(study.studyId, ['q-2']);
    expect((await req(trainee!.token, 'GET', '/api/judge/qualification')).json()).toMatchObject({
      total: 1,
    });
    const seen: string[] = [];
    for (;;) {
      const next = await req(trainee!.token, 'POST', '/api/judge/qualification/next');
      if (next.statusCode === 204) break;
      expect(next.statusCode, next.body).toBe(200);
      const item = next.json();
      seen.push(item.item.question);
      const answer = await req(
        trainee!.token,
        'POST',
        `/api/judge/qualification/items/${item.id}/answer`,
        { winner: 'tie' },
      );
      expect(answer.statusCode, answer.body).toBe(200);
    }
    expect(seen).toEqual(['Question 1?']);
    // and the attempt, one item long, is settled: the trainee passed
    expect((await req(trainee!.token, 'GET', '/api/judge/qualification')).json()).toMatchObject({
      status: 'passed',
    });
  });

  it('an adjudicator is not given a split comparison that is held', async () => {
    const study = await makePairedStudy(t.tdb.db, { items: 4, k: 2 });
    const [j0, j1, referee] = await makeJudges(t.tdb.db, study.studyId, 3);
    await adjudicateDisagreements(t, study.studyId);
    // the two judges disagree on every comparison: one calls a tie, the other picks the left side
    await judgeEveryComparison(t, j0!.token, () => ({ winner: 'tie', axes: {} }));
    await judgeEveryComparison(t, j1!.token, () => ({ winner: 'left', axes: {} }));
    const adjudicator = await req(
      t.admin,
      'PUT',
      `/api/studies/${study.studyId}/judges/${referee!.id}/adjudicator`,
      { adjudicator: true },
    );
    expect(adjudicator.statusCode, adjudicator.body).toBe(200);
    // every comparison split; two of the four are held after the verdicts
    await hold(study.studyId, ['q-0', 'q-3']);
    const questions: string[] = [];
    for (;;) {
      const next = await req(referee!.token, 'POST', '/api/judge/adjudication/next');
      if (next.statusCode === 204) break;
      expect(next.statusCode, next.body).toBe(200);
      const view = next.json();
      questions.push(view.item.question);
      const done = await req(referee!.token, 'POST', `/api/judge/adjudication/${view.id}`, {
        winner: 'tie',
        reason: 'Both miss the same finding.',
      });
      expect(done.statusCode, done.body).toBe(200);
    }
    expect(questions.sort()).toEqual(['Question 1?', 'Question 2?']);
  });
});
