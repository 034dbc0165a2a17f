import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { JudgeAssignment, Side } from '../../../../shared/judge-api.ts';
import { ChoiceRow, type ChoiceRowHandle } from './ChoiceRow.tsx';
import { ImageViewer } from './ImageViewer.tsx';
import { SidePanes } from './SidePanes.tsx';
import { emptyDraft, readDraft, writeDraft, type Draft, type OutboxEntry } from './storage.ts';
import { useJudgeKeys, type ImageKeyActions } from './use-judge-keys.ts';
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
  const [activeRow, setActiveRowState] = useState(() => firstOpenRow(draft, assignment.axes));
  const activeRef = useRef(activeRow);
  const setActiveRow = (i: number) => {
    activeRef.current = i;
    setActiveRowState(i);
  };
  const [message, setMessage] = useState('');
  const rows = useRef<Array<ChoiceRowHandle | null>>([]);
  const note = useRef<HTMLTextAreaElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const [noteOpen, setNoteOpen] = useState(() => draft.note !== '');
  const viewer = useRef<ImageKeyActions>(null);
  const imageKeys: ImageKeyActions = {
    adjustWindow: (w, c) => viewer.current?.adjustWindow(w, c),
    nextPreset: () => viewer.current?.nextPreset(),
    reset: () => viewer.current?.reset(),
    zoom: (f) => viewer.current?.zoom(f),
    actualPixels: () => viewer.current?.actualPixels(),
  };
  const elapsed = useTimeOnTask(assignment.id, draft.elapsedMs);
  const rowIds = ['overall', ...assignment.axes];

  // Every change is saved at once, so a reload or a crash keeps the judge's work. The ref holds
  // the latest draft for keys that arrive before the next render.
  const draftRef = useRef(draft);
  const update = useCallback(
    (change: (d: Draft) => Draft) => {
      const next = { ...change(draftRef.current), elapsedMs: elapsed() };
      draftRef.current = next;
      writeDraft(next);
      setDraftState(next);
    },
    [elapsed],
  );

  useEffect(() => {
    const save = () => update((d) => d);
    window.addEventListener('pagehide', save);
    return () => window.removeEventListener('pagehide', save);
  }, [update]);

  // A new comparison starts at the top, with the focus on its first open question: in the commit
  // that shows it (a layout effect), so no key or paint comes before the focus is there.
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
    rows.current[activeRow]?.focus();
    // only when the comparison (the component's key) changes
  }, []);

  const focusRow = (i: number) => {
    setActiveRow(i);
    rows.current[i]?.focus();
  };

  /** Records a choice and moves to the next row; true when there was one to move to. */
  const choose = (row: number, side: Side): boolean => {
    const id = rowIds[row];
    if (!id) return false;
    update((d) =>
      id === 'overall' ? { ...d, winner: side } : { ...d, axes: { ...d.axes, [id]: side } },
    );
    setMessage('');
    if (row + 1 < rowIds.length) {
      focusRow(row + 1);
      return true;
    }
    rows.current[row]?.focus();
    return false;
  };

  const missing = (): string | null => {
    const current = draftRef.current;
    if (!current.winner) return 'Choose an overall verdict first (1 left, 2 tie, 3 right).';
    if (requireAxes) {
      const left = assignment.axes.filter((a) => !current.axes[a]);
      if (left.length)
        return `This study asks for a verdict on every axis: ${left.map(axisLabel).join(', ')}.`;
    }
    return null;
  };

  const submit = () => {
    if (busy) return;
    const problem = missing();
    const current = draftRef.current;
    if (problem || !current.winner) return setMessage(problem ?? '');
    const strength = current.winner !== 'tie' && current.strength === 2 ? 2 : undefined;
    const trimmed = current.note.trim();
    onSubmit({
      kind: 'verdict',
      assignmentId: assignment.id,
      body: {
        winner: current.winner,
        axes: current.axes,
        ...(strength ? { strength } : {}),
        ...(trimmed ? { note: trimmed } : {}),
        elapsedMs: Math.min(elapsed(), 86_400_000),
      },
    });
  };
  const pass = (reason: 'skip' | 'cannot_judge') => {
    if (!busy) onSubmit({ kind: 'skip', assignmentId: assignment.id, body: { reason } });
  };

  const openNote = () => {
    // rendered at once, so the very next key already types into the note
    flushSync(() => setNoteOpen(true));
    note.current?.focus();
  };

  // keys are ignored while a dialog is open: checked when the key comes (see useJudgeKeys), so a
  // key right after closing the guidelines is not lost waiting for a re-render
  useJudgeKeys(!busy, {
    choose: (side) => choose(activeRef.current, side),
    moveRow(from, back) {
      const row = from ?? activeRef.current;
      const to = back ? row - 1 : row + 1;
      if (to < 0) return false;
      if (to >= rowIds.length) {
        // past the last row comes Submit, never the note
        submitButton.current?.focus();
        return true;
      }
      focusRow(to);
      return true;
    },
    toggleStrength: () => update((d) => ({ ...d, strength: d.strength === 2 ? 1 : 2 })),
    openNote,
    leaveNote: () => rows.current[activeRef.current]?.focus(),
    submit,
    skip: () => pass('skip'),
    cannotJudge: () => pass('cannot_judge'),
    help: onHelp,
    guidelines: onGuidelines,
    image: assignment.item.images.length ? imageKeys : null,
  });

  const { item, left, right } = assignment;
  const modality = typeof item.metadata?.modality === 'string' ? item.metadata.modality : null;
  const hasImage = item.images.length > 0;
  const imageCount = item.images.length === 1 ? '1 image' : `${item.images.length} images`;
  return (
    <div className="comparison" aria-busy={busy}>
      <SidePanes
        item={item}
        left={left}
        right={right}
        tags={
          <>
            {modality ? <span className="tag">{modality}</span> : null}
            {item.images.length > 1 ? <span className="tag">{imageCount}</span> : null}
          </>
        }
        images={hasImage ? <ImageViewer ref={viewer} images={item.images} /> : null}
      />

      <section className="verdict" aria-labelledby="verdict-heading">
        <h2 id="verdict-heading" className="visually-hidden">
          Your verdict
        </h2>
        <div className="choice-rows">
          {rowIds.map((id, i) => (
            <ChoiceRow
              key={id}
              ref={(h) => {
                rows.current[i] = h;
              }}
              id={`row-${id}`}
              index={i}
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
        </div>
        <div className="verdict-actions">
          <label className="strength">
            <input
              type="checkbox"
              checked={draft.strength === 2}
              disabled={!draft.winner || draft.winner === 'tie'}
              onChange={(e) => update((d) => ({ ...d, strength: e.target.checked ? 2 : 1 }))}
            />{' '}
            Much better <kbd>M</kbd>
          </label>
          {noteOpen ? null : (
            <button type="button" className="note-toggle" onClick={openNote}>
              Add a comment <kbd>N</kbd>
            </button>
          )}
          <p className="form-message" role="status" aria-live="polite">
            {message}
          </p>
          <div className="actions">
            <button
              ref={submitButton}
              type="button"
              className="primary"
              onClick={submit}
              disabled={busy}
            >
              Submit <kbd>Enter</kbd>
            </button>
            <button type="button" onClick={() => pass('skip')} disabled={busy}>
              Skip <kbd>S</kbd>
            </button>
            <button type="button" onClick={() => pass('cannot_judge')} disabled={busy}>
              Can’t judge <kbd>C</kbd>
            </button>
            <button
              type="button"
              className="help-button"
              onClick={onHelp}
              aria-label="Keyboard shortcuts"
            >
              <kbd>?</kbd>
            </button>
          </div>
        </div>
        {noteOpen ? (
          <label className="note">
            <span>
              Comment for the study team (optional; <kbd>Esc</kbd> leaves it, <kbd>Enter</kbd>{' '}
              starts a new line)
            </span>
            <textarea
              ref={note}
              rows={2}
              tabIndex={-1}
              value={draft.note}
              maxLength={10_000}
              onChange={(e) => {
                const value = e.target.value;
                update((d) => ({ ...d, note: value }));
              }}
            />
          </label>
        ) : null}
      </section>
    </div>
  );
}
