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
  // an id without spaces: aria-labelledby reads a space as a separator between two ids
  const titleId = `dialog-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
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
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={onClose}
    >
      <h2 id={titleId}>{title}</h2>
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
  ['1 or ←', 'left is better, in the highlighted row; then on to the next row'],
  ['2 or ↓', 'tie (both equally good or equally bad)'],
  ['3 or →', 'right is better'],
  [
    'Tab / Shift+Tab',
    'next / previous row (a Tab right after a choice stays on the row it moved to)',
  ],
  ['↑', 'back to the previous row'],
  ['M', 'toggle “much better” on the overall verdict'],
  ['N', 'write a comment; keys then type into it, Enter starts a new line, Esc leaves it'],
  ['Enter', 'submit (once an overall verdict is chosen)'],
  ['S', 'skip this comparison'],
  ['C', 'can’t judge this comparison (not a tie)'],
  ['Shift + ← / →', 'image: narrower / wider window (more / less contrast)'],
  ['Shift + ↑ / ↓', 'image: brighter / darker (window level)'],
  ['W', 'image: next window preset'],
  ['+ / −', 'image: zoom in / out'],
  ['P', 'image: one image pixel per screen pixel'],
  ['R', 'image: fit, full range'],
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
