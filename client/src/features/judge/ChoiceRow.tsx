import { forwardRef, useImperativeHandle, useRef } from 'react';
import type { Side } from '../../../../shared/judge-api.ts';

export const SIDES: ReadonlyArray<{ side: Side; label: string; keys: string }> = [
  { side: 'left', label: 'Left better', keys: '← or 1' },
  { side: 'tie', label: 'Tie', keys: '↓ or 3' },
  { side: 'right', label: 'Right better', keys: '→ or 2' },
];

export interface ChoiceRowHandle {
  focus(): void;
}

interface Props {
  id: string;
  label: string;
  value: Side | null;
  active: boolean;
  required: boolean;
  onChange(side: Side): void;
  onFocus(): void;
}

/**
 * One question (overall, or an axis) as an ARIA radio group: one tab stop per row (roving
 * tabindex), so Tab walks the rows; the page's key handler turns ←/→/↓ and 1/2/3 into a choice
 * in the focused row.
 */
export const ChoiceRow = forwardRef<ChoiceRowHandle, Props>(function ChoiceRow(
  { id, label, value, active, required, onChange, onFocus },
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
      buttons.current[index]?.focus();
    },
  }));
  return (
    <div className={`choice-row${active ? ' active' : ''}`} data-row={id}>
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
            tabIndex={tabIndexOf(s.side)}
            className={`choice choice-${s.side}`}
            data-side={s.side}
            onClick={() => onChange(s.side)}
            onFocus={onFocus}
          >
            {s.label}
          </button>
        ))}
      </div>
    </div>
  );
});
