import { useCallback, useEffect, useRef, useState } from 'react';
import type { JudgeAssignment, Side } from '../../../../shared/judge-api.ts';
import { Markdown } from '../markdown/Markdown.tsx';
import { ChoiceRow, type ChoiceRowHandle } from './ChoiceRow.tsx';
import { ImageViewer } from './ImageViewer.tsx';
import { emptyDraft, readDraft, writeDraft, type Draft, type OutboxEntry } from './storage.ts';
import { useJudgeKeys } from './use-judge-keys.ts';
import { useTimeOnTask } from './use-time-on-task.ts';

interface Props {
  assignment: JudgeAssignment;
  requireAxes: boolean;
  busy: boolean;
  onSubmit(entry: OutboxEntry): void;
  onHelp(): void;
  onGuidelines(): void;
}

function firstOpenRow(d: Draft, axes: string[]): number {
  if (!d.winner) return 0;
  const i = axes.findIndex((a) => !d.axes[a]);
  return i < 0 ? axes.length : i + 1;
}

export const axisLabel = (axis: string) =>
  axis.charAt(0).toUpperCase() + axis.slice(1).replaceAll('_', ' ');

/** One comparison: the item, the two traces as Left and Right, and the verdict form. Keyed by assignment id. */
export function Comparison({
  assignment,
  requireAxes,
  busy,
  onSubmit,
  onHelp,
  onGuidelines,
}: Props) {
  const [draft, setDraftState] = useState<Draft>(
    () => readDraft(assignment.id) ?? emptyDraft(assignment.id),
  );
  // After a reload the keys carry on at the first question still unanswered.
  const [activeRow, setActiveRow] = useState(() => firstOpenRow(draft, assignment.axes));
  const [message, setMessage] = useState('');
  const rows = useRef<Array<ChoiceRowHandle | null>>([]);
  const note = useRef<HTMLTextAreaElement>(null);
  const elapsed = useTimeOnTask(assignment.id, draft.elapsedMs);
  const rowIds = ['overall', ...assignment.axes];

  // Every change is saved at once, so a reload or a crash keeps the judge's work.
  const update = useCallback(
    (change: (d: Draft) => Draft) => {
      setDraftState((d) => {
        const next = { ...change(d), elapsedMs: elapsed() };
        writeDraft(next);
        return next;
      });
    },
    [elapsed],
  );

  useEffect(() => {
    const save = () => update((d) => d);
    window.addEventListener('pagehide', save);
    return () => window.removeEventListener('pagehide', save);
  }, [update]);

  const focusRow = (i: number) => {
    setActiveRow(i);
    rows.current[i]?.focus();
  };

  const choose = (row: number, side: Side) => {
    const id = rowIds[row];
    if (!id) return;
    update((d) =>
      id === 'overall' ? { ...d, winner: side } : { ...d, axes: { ...d.axes, [id]: side } },
    );
    setMessage('');
  };

  const missing = (): string | null => {
    if (!draft.winner) return 'Choose an overall verdict first (← left, → right, ↓ tie).';
    if (requireAxes) {
      const left = assignment.axes.filter((a) => !draft.axes[a]);
      if (left.length)
        return `This study asks for a verdict on every axis: ${left.map(axisLabel).join(', ')}.`;
    }
    return null;
  };

  const submit = () => {
    if (busy) return;
    const problem = missing();
    if (problem || !draft.winner) return setMessage(problem ?? '');
    const strength = draft.winner !== 'tie' && draft.strength === 2 ? 2 : undefined;
    const trimmed = draft.note.trim();
    onSubmit({
      kind: 'verdict',
      assignmentId: assignment.id,
      body: {
        winner: draft.winner,
        axes: draft.axes,
        ...(strength ? { strength } : {}),
        ...(trimmed ? { note: trimmed } : {}),
        elapsedMs: Math.min(elapsed(), 86_400_000),
      },
    });
  };
  const pass = (reason: 'skip' | 'cannot_judge') => {
    if (!busy) onSubmit({ kind: 'skip', assignmentId: assignment.id, body: { reason } });
  };

  // keys are ignored while a dialog is open: checked when the key comes (see useJudgeKeys), so a
  // key right after closing the guidelines is not lost waiting for a re-render
  useJudgeKeys(!busy, {
    choose(side) {
      choose(activeRow, side);
      if (activeRow + 1 < rowIds.length) focusRow(activeRow + 1);
      else rows.current[activeRow]?.focus();
    },
    previousRow: () => focusRow(Math.max(0, activeRow - 1)),
    toggleStrength: () => update((d) => ({ ...d, strength: d.strength === 2 ? 1 : 2 })),
    focusNote: () => note.current?.focus(),
    submit,
    skip: () => pass('skip'),
    cannotJudge: () => pass('cannot_judge'),
    help: onHelp,
    guidelines: onGuidelines,
  });

  const { item, left, right } = assignment;
  const modality = typeof item.metadata?.modality === 'string' ? item.metadata.modality : null;
  return (
    <div className="comparison" aria-busy={busy}>
      <section className="question" aria-labelledby="question-heading">
        <h2 id="question-heading">
          Question{modality ? <span className="tag">{modality}</span> : null}
        </h2>
        <Markdown text={item.question} />
        {item.images.length ? <ImageViewer images={item.images} /> : null}
      </section>

      <div className="traces">
        {(
          [
            ['left', 'Left', left],
            ['right', 'Right', right],
          ] as const
        ).map(([key, title, side]) => (
          <section
            key={key}
            className={`trace trace-${key}`}
            aria-labelledby={`trace-${key}-heading`}
          >
            <h2 id={`trace-${key}-heading`}>{title}</h2>
            <div className="trace-body" tabIndex={0} aria-label={`${title} reasoning`}>
              <Markdown text={side.trace} />
            </div>
            <div className="answer">
              <h3>Final answer</h3>
              <Markdown text={side.answer || '(no final answer)'} />
            </div>
          </section>
        ))}
      </div>

      <section className="verdict" aria-labelledby="verdict-heading">
        <h2 id="verdict-heading">Your verdict</h2>
        {rowIds.map((id, i) => (
          <ChoiceRow
            key={id}
            ref={(h) => {
              rows.current[i] = h;
            }}
            id={`row-${id}`}
            label={id === 'overall' ? 'Overall' : axisLabel(id)}
            value={id === 'overall' ? draft.winner : (draft.axes[id] ?? null)}
            active={i === activeRow}
            required={id === 'overall' || requireAxes}
            onChange={(side) => {
              setActiveRow(i);
              choose(i, side);
            }}
            onFocus={() => setActiveRow(i)}
          />
        ))}
        <label className="strength">
          <input
            type="checkbox"
            checked={draft.strength === 2}
            disabled={!draft.winner || draft.winner === 'tie'}
            onChange={(e) => update((d) => ({ ...d, strength: e.target.checked ? 2 : 1 }))}
          />{' '}
          Much better <kbd>M</kbd>
        </label>
        <label className="note">
          Rationale (optional) <kbd>N</kbd>
          <textarea
            ref={note}
            rows={2}
            value={draft.note}
            maxLength={10_000}
            onChange={(e) => {
              const value = e.target.value;
              update((d) => ({ ...d, note: value }));
            }}
          />
        </label>
        <p className="form-message" role="status" aria-live="polite">
          {message}
        </p>
        <div className="actions">
          <button type="button" className="primary" onClick={submit} disabled={busy}>
            Submit <kbd>Enter</kbd>
          </button>
          <button type="button" onClick={() => pass('skip')} disabled={busy}>
            Skip <kbd>S</kbd>
          </button>
          <button type="button" onClick={() => pass('cannot_judge')} disabled={busy}>
            Can’t judge <kbd>C</kbd>
          </button>
        </div>
      </section>
    </div>
  );
}
