import { useEffect, useState, type ReactNode } from 'react';
import { Markdown } from '../markdown/Markdown.tsx';
import { Comparison } from './Comparison.tsx';
import { Adjudication } from './Adjudication.tsx';
import { Dialog, ShortcutList } from './Dialog.tsx';
import { Training } from './Training.tsx';
import { useJudgeSession } from './use-judge-session.ts';
import { useLeaseWatch } from './use-lease-watch.ts';

const GUIDELINES_SEEN = 'tracearena.judge.guidelinesSeen';

export function JudgePage() {
  const session = useJudgeSession();
  const { me, progress, phase, offline, busy, notice } = session;
  const [guidelinesOpen, setGuidelinesOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [adjudicating, setAdjudicating] = useState(false);

  // The guidelines come first, once per session; they stay one key (G) away.
  useEffect(() => {
    if (me && !sessionStorage.getItem(GUIDELINES_SEEN)) setGuidelinesOpen(true);
  }, [me]);
  const closeGuidelines = () => {
    sessionStorage.setItem(GUIDELINES_SEEN, '1');
    setGuidelinesOpen(false);
    focusActiveRow();
  };
  const closeHelp = () => {
    setHelpOpen(false);
    focusActiveRow();
  };

  const current = phase.kind === 'judging' ? phase : null;
  const expired = useLeaseWatch(current, session.keepAlive);

  return (
    <div className="judge-page">
      <header className="judge-header">
        <h1>TraceArena</h1>
        {me ? <span className="who">Judging as {me.judge.name}</span> : null}
        {progress ? <ProgressBar done={progress.done} quota={progress.quota} /> : null}
        {session.qualification?.adjudicator ? (
          <button
            type="button"
            aria-pressed={adjudicating}
            onClick={() => setAdjudicating((a) => !a)}
          >
            {adjudicating ? 'Back to judging' : 'Adjudicate'}
          </button>
        ) : null}
        <nav className="header-actions" aria-label="Help">
          <button type="button" onClick={() => setGuidelinesOpen(true)} disabled={!me}>
            Guidelines <kbd>G</kbd>
          </button>
          <button type="button" onClick={() => setHelpOpen(true)}>
            Shortcuts <kbd>?</kbd>
          </button>
        </nav>
      </header>

      <div className="banners" aria-live="polite">
        {offline ? (
          <p className="banner warn" role="alert">
            Connection lost. Your work is saved on this device and will be sent as soon as the
            connection returns…
          </p>
        ) : null}
        {notice ? (
          <p className={`banner ${notice.tone}`}>
            {notice.text}{' '}
            <button type="button" className="link" onClick={() => session.setNotice(null)}>
              Dismiss
            </button>
          </p>
        ) : null}
      </div>

      <main>
        {adjudicating ? <Adjudication /> : null}
        {!adjudicating && phase.kind === 'training' && session.qualification ? (
          <Training qualification={session.qualification} onFinished={session.trainingFinished} />
        ) : null}
        {!adjudicating && phase.kind === 'held' ? (
          <State title="Training not passed">
            You did not reach the pass mark in the attempts allowed, so no comparisons are given to
            you for now. The study organiser has been shown this and can let you try again.
          </State>
        ) : null}
        {adjudicating ? null : phase.kind === 'loading' ? (
          <p className="loading">Loading your next comparison…</p>
        ) : null}
        {phase.kind === 'no-token' ? (
          <State title="No invite">
            Open the invite link you were sent (it contains your personal access key).
          </State>
        ) : null}
        {phase.kind === 'invalid' ? (
          <State title="This invite link is not valid">
            The link you opened does not hold a valid access key: it may be incomplete (copied only
            in part), mistyped, or replaced by a newer link. Open the full link from your invite
            again, or ask the study organiser for a new one.
          </State>
        ) : null}
        {phase.kind === 'revoked' ? (
          <State title="This invite has been revoked">
            Your access to this study was withdrawn. Verdicts you sent before are kept. Contact the
            study organiser if this is a mistake.
          </State>
        ) : null}
        {!adjudicating && phase.kind === 'finished' ? (
          <State title="All done — thank you!">
            There are no more comparisons for you right now
            {progress ? ` (you judged ${progress.done})` : ''}. You can close this page.
          </State>
        ) : null}
        {phase.kind === 'failed' ? (
          <State title="Something went wrong">{phase.message}</State>
        ) : null}
        {!adjudicating && current && me ? (
          expired ? (
            <State title="Your time on this comparison ran out">
              <p>
                Your choices are kept. If nobody else has taken it, you can carry on where you left
                off.
              </p>
              <button
                type="button"
                className="primary"
                onClick={() => void session.resume(current.assignment.id)}
              >
                Resume
              </button>
            </State>
          ) : (
            <Comparison
              key={current.assignment.id}
              assignment={current.assignment}
              requireAxes={me.study.requireAxes}
              busy={busy}
              onSubmit={session.submit}
              onHelp={() => setHelpOpen(true)}
              onGuidelines={() => setGuidelinesOpen(true)}
            />
          )
        ) : null}
      </main>

      <Dialog open={guidelinesOpen} title="Guidelines" onClose={closeGuidelines}>
        {me?.study.guidelines ? (
          <Markdown text={me.study.guidelines} />
        ) : (
          <p>
            Compare the two reasoning traces and choose the better one, overall and on each axis.
          </p>
        )}
        <p>
          The traces are shown as <strong>Left</strong> and <strong>Right</strong> in a random
          order. Use <em>Can’t judge</em> when you cannot assess the comparison (outside your
          expertise, unreadable image); use <em>Tie</em> when both are equally good or equally bad.
        </p>
        <ShortcutList />
      </Dialog>
      <Dialog open={helpOpen} title="Keyboard shortcuts" onClose={closeHelp}>
        <ShortcutList />
      </Dialog>
    </div>
  );
}

/**
 * A closed dialog gives the focus back to where it was, which on the first comparison is the
 * page itself (the guidelines opened first): the keys' row gets it instead.
 */
function focusActiveRow() {
  requestAnimationFrame(() => {
    const at = document.activeElement;
    if (at && at !== document.body && !at.closest('dialog')) return;
    document
      .querySelector<HTMLElement>('.choice-row.active [role="radio"][tabindex="0"]')
      ?.focus({ preventScroll: true });
  });
}

function ProgressBar({ done, quota }: { done: number; quota: number | null }) {
  return (
    <div className="progress">
      {quota !== null ? (
        <progress value={done} max={Math.max(quota, 1)} aria-label="Comparisons judged" />
      ) : null}
      <span data-testid="progress">
        {done}
        {quota !== null ? ` / ${quota}` : ''} judged
      </span>
    </div>
  );
}

function State({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="state" aria-labelledby="state-title">
      <h2 id="state-title">{title}</h2>
      <div>{children}</div>
    </section>
  );
}
