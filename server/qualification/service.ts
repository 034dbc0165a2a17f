/**
 * Qualification's service: a study's training set and settings (admin), a judge's way through
 * the training set with feedback after each item (judge), holds and releases; and adjudication of
 * comparisons whose human verdicts split. Training answers are stored apart from verdicts, so no
 * report or export ever counts them; the judging lease lets a judge take real comparisons only
 * once this domain records them as qualified (the gate is in judging's lease statement, so a
 * qualified judge's cycle costs no extra round trip). The SQL is in repository.ts.
 */
import { randomInt } from 'node:crypto';
import type { Side } from '../../shared/judge-api.ts';
import type {
  AdjudicationView,
  JudgeQualification,
  QualificationAdmin,
  QualificationSettings,
  QualificationStatus,
  TrainingFeedback,
  TrainingItemBody,
  TrainingItemView,
} from '../../shared/qualification-api.ts';
import { recordAdjudication } from '../audit/service.ts';
import type { JudgeRow } from '../auth/service.ts';
import type { Db, Tx } from '../db/client.ts';
import { Errors } from '../errors.ts';
import { blindSides, imageUrl, toShownSide, toSystemSide } from '../judging/service.ts';
import { requireStudy } from '../studies/service.ts';
import * as repo from './repository.ts';

type AB = 'a' | 'b' | 'tie';

export const DEFAULT_SETTINGS: QualificationSettings = {
  required: false,
  passMark: 0.8,
  maxAttempts: 2,
  adjudicationRule: 'off',
};

/** A comparison as a judge is shown it, blind: the item and the two texts as Left and Right. */
function blindView(v: repo.ComparisonView, shownLeft: 'a' | 'b') {
  return {
    item: { question: v.question, images: v.image_ids.map(imageUrl) },
    ...blindSides(
      shownLeft,
      { trace: v.a_trace, answer: v.a_answer },
      { trace: v.b_trace, answer: v.b_answer },
    ),
  };
}

async function settingsOf(db: Tx, studyId: string): Promise<QualificationSettings> {
  const row = await repo.getSettings(db, { studyId });
  if (!row) return DEFAULT_SETTINGS;
  return {
    required: row.required,
    passMark: row.passMark,
    maxAttempts: row.maxAttempts,
    adjudicationRule: row.adjudicationRule,
  };
}

/** Attempts failed since the admin's last release (the ones that count towards a hold). */
function failedSinceRelease(attempts: repo.AttemptRow[], releasedAt: Date | null): number {
  return attempts.filter(
    (a) => a.passed === false && (releasedAt === null || a.createdAt > releasedAt),
  ).length;
}

async function standingOf(db: Tx, judge: Pick<JudgeRow, 'id' | 'studyId'>) {
  // One after another: `db` may be a transaction, whose connection takes one query at a time.
  const settings = await settingsOf(db, judge.studyId);
  const standing = await repo.getStanding(db, { judgeId: judge.id });
  const attempts = await repo.listAttempts(db, { judgeId: judge.id });
  const total = await repo.countTrainingItems(db, { studyId: judge.studyId });
  const failed = failedSinceRelease(attempts, standing?.releasedAt ?? null);
  let status: QualificationStatus;
  if (!settings.required) status = 'not_required';
  else if (standing?.qualifiedAt) status = 'passed';
  else if (failed >= settings.maxAttempts) status = 'held';
  else status = 'training';
  return { settings, standing, attempts, total, failed, status };
}

/** Where the judge stands, for their page. */
export async function judgeQualification(db: Db, judge: JudgeRow): Promise<JudgeQualification> {
  const s = await standingOf(db, judge);
  return {
    status: s.status,
    passMark: s.settings.passMark,
    maxAttempts: s.settings.maxAttempts,
    attemptsUsed: s.failed + (s.attempts.some((a) => a.finishedAt === null) ? 1 : 0),
    total: s.total,
    adjudicator: s.standing?.adjudicator ?? false,
  };
}

/**
 * The judge's next training item, blind (left/right only): the open attempt's next unanswered
 * item, starting a new attempt when none is open. Null when the judge has no training to do.
 */
export async function nextTraining(db: Db, judge: JudgeRow): Promise<TrainingItemView | null> {
  return db.transaction(async (tx) => {
    const s = await standingOf(tx, judge);
    if (s.status !== 'training' || s.total === 0) return null;
    let attempt = s.attempts.find((a) => a.finishedAt === null) ?? null;
    if (!attempt) {
      const number = (s.attempts.at(-1)?.number ?? 0) + 1;
      attempt =
        (await repo.insertAttempt(tx, {
          judgeId: judge.id,
          studyId: judge.studyId,
          number,
          total: s.total,
        })) ?? (await repo.listAttempts(tx, { judgeId: judge.id })).at(-1)!;
    }
    const next = await repo.nextTrainingItem(tx, {
      studyId: judge.studyId,
      attemptId: attempt.id,
    });
    if (!next) return null;
    return {
      id: next.id,
      ...blindView(next, next.shown_left),
      attempt: attempt.number,
      position: Math.min(attempt.answered + 1, attempt.total),
      total: attempt.total,
    };
  });
}

/**
 * Records the judge's answer to a training item of their open attempt and returns the feedback:
 * right or wrong, the verdict expected (as the judge saw the sides) and the explanation. The last
 * item of an attempt settles it: passed (the judge is qualified) or failed (held once the
 * attempts allowed are used). The same item answered again returns the first answer's feedback.
 */
export async function answerTraining(
  db: Db,
  judge: JudgeRow,
  trainingItemId: string,
  { winner }: { winner: Side },
): Promise<TrainingFeedback> {
  return db.transaction(async (tx) => {
    const item = await repo.getTrainingItem(tx, { studyId: judge.studyId, id: trainingItemId });
    if (!item) throw new Errors.NotFound('training item');
    const s = await standingOf(tx, judge);
    const last = s.attempts.find((a) => a.finishedAt === null) ?? s.attempts.at(-1);
    if (!last) throw new Errors.BadRequest('no training attempt is open: ask for the next item');
    const attempt = (await repo.lockAttempt(tx, { id: last.id }))!;
    const feedback = (correct: boolean, a: repo.AttemptRow, status: QualificationStatus) => ({
      correct,
      expected: toShownSide(item.expected, item.shownLeft),
      explanation: item.explanation,
      attempt: {
        number: a.number,
        answered: a.answered,
        correct: a.correct,
        total: a.total,
        passed: a.passed,
      },
      status,
    });
    const existing = await repo.getAnswer(tx, { attemptId: attempt.id, trainingItemId });
    if (existing) return feedback(existing.correct, attempt, s.status);
    if (attempt.finishedAt !== null || s.status !== 'training')
      throw new Errors.BadRequest('no training attempt is open: ask for the next item');
    const given = toSystemSide(winner, item.shownLeft);
    const correct = given === item.expected;
    await repo.insertAnswer(tx, { attemptId: attempt.id, trainingItemId, winner: given, correct });
    const answered = attempt.answered + 1;
    const right = attempt.correct + (correct ? 1 : 0);
    const finished = answered >= attempt.total;
    // A small tolerance: a pass mark of 0.8 on 5 items is 4 right, whatever 4/5 rounds to.
    const passed = finished ? right / attempt.total >= s.settings.passMark - 1e-9 : null;
    await repo.updateAttempt(tx, { id: attempt.id, answered, correct: right, passed, finished });
    let status: QualificationStatus = 'training';
    if (passed === true) {
      await repo.setStanding(tx, {
        judgeId: judge.id,
        studyId: judge.studyId,
        qualifiedAt: new Date(),
      });
      status = 'passed';
    } else if (passed === false && s.failed + 1 >= s.settings.maxAttempts) {
      await repo.setStanding(tx, { judgeId: judge.id, studyId: judge.studyId, heldAt: new Date() });
      status = 'held';
    }
    return feedback(correct, { ...attempt, answered, correct: right, passed }, status);
  });
}

// ---- admin ----

export async function getQualificationAdmin(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<QualificationAdmin> {
  await requireStudy(db, { id: studyId });
  const items = await repo.listTrainingItems(db, { studyId });
  return {
    settings: await settingsOf(db, studyId),
    items: items.map((t) => ({
      id: t.id,
      item: t.item,
      a: t.a,
      b: t.b,
      winner: t.expected === 'tie' ? 'tie' : t.expected === 'a' ? t.a : t.b,
      explanation: t.explanation,
      position: t.position,
    })),
    adjudicatedComparisons: (await repo.doneAdjudications(db, { studyId })).length,
  };
}

export async function setQualificationSettings(
  db: Tx,
  { studyId, settings }: { studyId: string; settings: QualificationSettings },
): Promise<QualificationAdmin> {
  await requireStudy(db, { id: studyId });
  await repo.upsertSettings(db, { studyId, ...settings });
  return getQualificationAdmin(db, { studyId });
}

/** Adds one of the study's comparisons to the training set; an unknown one is refused, naming it. */
export async function addTrainingItem(
  db: Tx,
  { studyId, body }: { studyId: string; body: TrainingItemBody },
): Promise<{ id: string; created: boolean }> {
  await requireStudy(db, { id: studyId });
  const c = await repo.findComparison(db, { studyId, item: body.item, a: body.a, b: body.b });
  if (!c)
    throw new Errors.BadRequest(
      `no comparison of item '${body.item}' between '${body.a}' and '${body.b}' in this study (pair the systems first)`,
    );
  // a training item is shown to trainees: an output the identity scan holds (or the admin
  // excluded) may name its system, so it is refused until released or redacted
  if (c.held)
    throw new Errors.BadRequest(
      `the comparison of item '${body.item}' between '${body.a}' and '${body.b}' is held by the identity scan: release or redact its flagged output first`,
    );
  if (body.winner !== 'tie' && body.winner !== c.a && body.winner !== c.b)
    throw new Errors.BadRequest(`winner must be '${c.a}', '${c.b}' or 'tie', not '${body.winner}'`);
  const expected: AB = body.winner === 'tie' ? 'tie' : body.winner === c.a ? 'a' : 'b';
  const id = await repo.insertTrainingItem(db, {
    studyId,
    comparisonId: c.id,
    expected,
    explanation: body.explanation,
    shownLeft: randomInt(2) === 0 ? 'a' : 'b',
  });
  if (id) return { id, created: true };
  const existing = (await repo.listTrainingItems(db, { studyId })).find(
    (t) =>
      t.item === body.item && new Set([t.a, t.b]).has(body.a) && new Set([t.a, t.b]).has(body.b),
  );
  return { id: existing!.id, created: false };
}

export async function removeTrainingItem(
  db: Tx,
  { studyId, id }: { studyId: string; id: string },
): Promise<void> {
  if (!(await repo.deleteTrainingItem(db, { studyId, id })))
    throw new Errors.NotFound('training item');
}

async function requireStudyJudge(
  db: Tx,
  { studyId, judgeId }: { studyId: string; judgeId: string },
) {
  if (!(await repo.judgeInStudy(db, { studyId, judgeId }))) throw new Errors.NotFound('judge');
}

/** Lifts a judge's hold: their attempts count again from now (they still have to pass). */
export async function releaseJudge(
  db: Tx,
  { studyId, judgeId }: { studyId: string; judgeId: string },
): Promise<void> {
  await requireStudyJudge(db, { studyId, judgeId });
  await repo.setStanding(db, { judgeId, studyId, heldAt: null, releasedAt: new Date() });
}

export async function setAdjudicator(
  db: Tx,
  { studyId, judgeId, adjudicator }: { studyId: string; judgeId: string; adjudicator: boolean },
): Promise<void> {
  await requireStudyJudge(db, { studyId, judgeId });
  await repo.setStanding(db, { judgeId, studyId, adjudicator });
}

// ---- adjudication ----

async function requireAdjudicator(db: Tx, judge: JudgeRow) {
  const standing = await repo.getStanding(db, { judgeId: judge.id });
  if (!standing?.adjudicator) throw new Errors.Forbidden('this judge is not an adjudicator');
  return settingsOf(db, judge.studyId);
}

/**
 * The adjudicator's next split comparison, blind, with the earlier human verdicts and their
 * notes as the adjudicator sees the sides: never a judge's name or a system's. Their own lease
 * first (a reload resumes), else the next split comparison they did not judge themselves.
 */
export async function nextAdjudication(db: Db, judge: JudgeRow): Promise<AdjudicationView | null> {
  return db.transaction(async (tx) => {
    const settings = await requireAdjudicator(tx, judge);
    const rule = settings.adjudicationRule;
    const id =
      (await repo.ownAdjudication(tx, { judgeId: judge.id })) ??
      (await repo.leaseAdjudication(tx, { studyId: judge.studyId, judgeId: judge.id, rule }));
    if (!id) return null;
    const d = (await repo.adjudicationView(tx, { id }))!;
    const earlier = await repo.earlierVerdicts(tx, { comparisonId: d.comparison_id });
    return {
      id: d.id,
      ...blindView(d, d.shown_left),
      axes: d.axes,
      earlier: earlier.map((v) => ({
        winner: toShownSide(v.winner, d.shown_left),
        axes: Object.fromEntries(
          Object.entries(v.axes).map(([k, side]) => [k, toShownSide(side, d.shown_left)]),
        ),
        note: v.note,
      })),
      waiting: await repo.countWaitingAdjudications(tx, {
        studyId: judge.studyId,
        judgeId: judge.id,
        rule,
      }),
    };
  });
}

/** Records the final verdict and its reason; the same again is a no-op, a different one 409. */
export async function submitAdjudication(
  db: Db,
  judge: JudgeRow,
  id: string,
  body: { winner: Side; reason: string },
): Promise<{ duplicate: boolean }> {
  return db.transaction(async (tx) => {
    await requireAdjudicator(tx, judge);
    const d = await repo.lockAdjudication(tx, { id });
    if (!d || d.studyId !== judge.studyId) throw new Errors.NotFound('adjudication');
    const winner = toSystemSide(body.winner, d.shownLeft);
    if (d.status === 'done') {
      if (d.winner === winner && d.reason === body.reason && d.judgeId === judge.id)
        return { duplicate: true };
      throw new Errors.VerdictConflict();
    }
    if (d.judgeId !== judge.id) throw new Errors.LeaseLost();
    await repo.completeAdjudication(tx, { id, winner, reason: body.reason });
    await recordAdjudication(tx, {
      studyId: d.studyId,
      judgeId: judge.id,
      comparisonId: d.comparisonId,
      adjudicationId: id,
      winner,
      shownLeft: d.shownLeft as 'a' | 'b',
      reason: body.reason,
    });
    return { duplicate: false };
  });
}

/** A study's finished adjudications (for the report's `--adjudicated` basis). */
export async function listAdjudications(db: Tx, { studyId }: { studyId: string }) {
  return repo.doneAdjudications(db, { studyId });
}
