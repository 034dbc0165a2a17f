import { forwardRef, useImperativeHandle, useRef } from 'react';
import type { Side } from '../../../../shared/judge-api.ts';

/**
 * The three choices in their visual order, each with its keys: the digits follow the buttons
 * (1 left, 2 tie, 3 right) and so do the arrows (← left, ↓ tie, → right).
 */
export const SIDES: ReadonlyArray<{
  side: Side;
  label: string;
  /** The accessible name: the label alone is terse. */
  name: string;
  digit: string;
  arrow: string;
  ariaKeys: string;
}> = [
  {
    side: 'left',
    label: 'Left',
    name: 'Left better',
    digit: '1',
    arrow: '←',
    ariaKeys: '1 ArrowLeft',
  },
  { side: 'tie', label: 'Tie', name: 'Tie', digit: '2', arrow: '↓', ariaKeys: '2 ArrowDown' },
  {
    side: 'right',
    label: 'Right',
    name: 'Right better',
    digit: '3',
    arrow: '→',
    ariaKeys: '3 ArrowRight',
  },
];

export interface ChoiceRowHandle {
  focus(): void;
}

interface Props {
  id: string;
  index: number;
  label: string;
  value: Side | null;
  active: boolean;
  required: boolean;
  onChange(side: Side): void;
  onFocus(): void;
}

/**
 * One question (overall, or an axis) as an ARIA radio group with one tab stop (roving tabindex).
 * The page's key handler (use-judge-keys.ts) turns 1/2/3 and ←/↓/→ into a choice in the active
 * row and Tab/Shift+Tab into a move between rows; each button shows its digit.
 */
export const ChoiceRow = forwardRef<ChoiceRowHandle, Props>(function ChoiceRow(
  { id, index, label, value, active, required, onChange, onFocus },
  ref,
) {
  const buttons = useRef<Array<HTMLButtonElement | null>>([]);
  const tabIndexOf = (side: Side) => (value ? (value === side ? 0 : -1) : side === 'left' ? 0 : -1);
  useImperativeHandle(ref, () => ({
    focus() {
      const index = Math.max(
        0,
        SIDES.findIndex((s) => s.side === value),
      );
      buttons.current[index]?.focus({ preventScroll: true });
    },
  }));
  return (
    <div className={`choice-row${active ? ' active' : ''}`} data-row={id} data-row-index={index}>
      <span className="choice-label" id={`${id}-label`}>
        {label}
        {required ? <span className="required"> (required)</span> : null}
      </span>
      <div
        role="radiogroup"
        aria-labelledby={`${id}-label`}
        aria-required={required}
        className="choice-options"
      >
        {SIDES.map((s, i) => (
          <button
            key={s.side}
            ref={(el) => {
              buttons.current[i] = el;
            }}
            type="button"
            role="radio"
            aria-checked={value === s.side}
            aria-label={s.name}
            aria-keyshortcuts={s.ariaKeys}
            tabIndex={tabIndexOf(s.side)}
            className={`choice choice-${s.side}`}
            data-side={s.side}
            onClick={() => onChange(s.side)}
            onFocus={onFocus}
          >
            <kbd aria-hidden="true">{s.digit}</kbd> {s.label}
          </button>
        ))}
      </div>
    </div>
  );
});
