import { useEffect, useRef, type ReactNode } from 'react';

/** A native modal <dialog>: focus is trapped and restored by the browser, Esc closes it. */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${title}-title`}
      onClose={onClose}
      onCancel={onClose}
    >
      <h2 id={`${title}-title`}>{title}</h2>
      {children}
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}

export const SHORTCUTS: ReadonlyArray<[string, string]> = [
  ['← or 1', 'left is better (in the focused row; overall when no row is focused)'],
  ['→ or 2', 'right is better'],
  ['↓ or 3', 'tie (both equally good or bad)'],
  ['↑', 'back to the previous row'],
  ['Tab / Shift+Tab', 'move between rows: overall, then each axis'],
  ['M', 'toggle “much better” on the overall verdict'],
  ['N', 'write a note (Esc leaves the note)'],
  ['Enter', 'submit (once an overall verdict is chosen)'],
  ['S', 'skip this comparison'],
  ['C', 'can’t judge this comparison (not a tie)'],
  ['G', 'guidelines'],
  ['?', 'this help'],
];

export function ShortcutList() {
  return (
    <dl className="shortcuts">
      {SHORTCUTS.map(([k, v]) => (
        <div key={k}>
          <dt>
            <kbd>{k}</kbd>
          </dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
