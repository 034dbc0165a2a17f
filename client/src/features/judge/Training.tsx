import { useCallback, useEffect, useState } from 'react';
import type * as z from 'zod/mini';
import type { Side } from '../../../../shared/judge-api.ts';
import { api } from '../../lib/api.ts';
import { Markdown } from '../markdown/Markdown.tsx';
import {
  qualificationResponse,
  trainingFeedbackResponse,
  trainingItemResponse,
  type Qualification,
} from './qualification-wire.ts';
import { SideChoice, SidePanes, sideWords } from './SidePanes.tsx';

type Item = z.infer<typeof trainingItemResponse>;
type Feedback = z.infer<typeof trainingFeedbackResponse>;

/**
 * The qualification phase: the training comparisons one at a time, blind, with feedback after
 * each (right or wrong, the verdict expected and the explanation). Ends when the judge passes
 * (`onFinished('passed')`) or is held after the last attempt allowed.
 */
export function Training({
  qualification,
  onFinished,
}: {
  qualification: Qualification;
  onFinished(status: Qualification['status']): void;
}) {
  const [item, setItem] = useState<Item | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [choice, setChoice] = useState<Side | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await api('judge', '/api/judge/qualification/next', trainingItemResponse, {
        method: 'POST',
      });
      if (!next) {
        const q = await api('judge', '/api/judge/qualification', qualificationResponse);
        onFinished(q?.status ?? 'training');
        return;
      }
      setItem(next);
      setFeedback(null);
      setChoice(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }, [onFinished]);

  useEffect(() => {
    void load();
  }, [load]);

  const answer = async () => {
    if (!item || !choice) return;
    setBusy(true);
    setError(null);
    try {
      const fb = await api(
        'judge',
        `/api/judge/qualification/items/${item.id}/answer`,
        trainingFeedbackResponse,
        { method: 'POST', body: { winner: choice } },
      );
      setFeedback(fb);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const pct = Math.round(qualification.passMark * 100);
  return (
    <div className="training" aria-busy={busy}>
      <section className="training-intro" aria-labelledby="training-heading">
        <h2 id="training-heading">Training</h2>
        <p>
          Before judging, answer {qualification.total} training comparison
          {qualification.total === 1 ? '' : 's'}: you need {pct}% right to pass, and you have{' '}
          {qualification.maxAttempts} attempt{qualification.maxAttempts === 1 ? '' : 's'}. Training
          answers are never counted in the study.
        </p>
        {item ? (
          <p data-testid="training-progress">
            Attempt {item.attempt} · item {item.position} of {item.total}
          </p>
        ) : null}
      </section>
      {error ? (
        <p className="banner warn" role="alert">
          {error}
        </p>
      ) : null}
      {item ? <SidePanes item={item.item} left={item.left} right={item.right} /> : null}
      {item && !feedback ? (
        <fieldset className="training-choice">
          <legend>Which is better overall?</legend>
          <SideChoice name="training-winner" value={choice} onChange={setChoice} />
          <button
            type="button"
            className="primary"
            disabled={!choice || busy}
            onClick={() => void answer()}
          >
            Check my answer
          </button>
        </fieldset>
      ) : null}
      {feedback ? (
        <FeedbackPanel feedback={feedback} onNext={load} onFinished={onFinished} />
      ) : null}
    </div>
  );
}

function FeedbackPanel({
  feedback,
  onNext,
  onFinished,
}: {
  feedback: Feedback;
  onNext(): Promise<void>;
  onFinished(status: Qualification['status']): void;
}) {
  const { attempt } = feedback;
  return (
    <section
      className={`training-feedback ${feedback.correct ? 'right' : 'wrong'}`}
      aria-labelledby="feedback-heading"
      aria-live="polite"
    >
      <h2 id="feedback-heading">{feedback.correct ? 'Correct' : 'Not quite'}</h2>
      <p>
        Expected: <strong data-testid="training-expected">{sideWords[feedback.expected]}</strong>
      </p>
      <div className="training-explanation">
        <Markdown text={feedback.explanation} />
      </div>
      {attempt.passed === true ? (
        <>
          <p>
            You passed: {attempt.correct} of {attempt.total} right.
          </p>
          <button type="button" className="primary" onClick={() => onFinished('passed')}>
            Start judging
          </button>
        </>
      ) : attempt.passed === false ? (
        feedback.status === 'held' ? (
          <>
            <p>
              {attempt.correct} of {attempt.total} right: below the pass mark, and that was your
              last attempt.
            </p>
            <button type="button" className="primary" onClick={() => onFinished('held')}>
              Continue
            </button>
          </>
        ) : (
          <>
            <p>
              {attempt.correct} of {attempt.total} right: below the pass mark. You can try again.
            </p>
            <button type="button" className="primary" onClick={() => void onNext()}>
              Start attempt {attempt.number + 1}
            </button>
          </>
        )
      ) : (
        <button type="button" className="primary" onClick={() => void onNext()}>
          Next training comparison
        </button>
      )}
    </section>
  );
}
