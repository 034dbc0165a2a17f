import { useEffect, useRef } from 'react';
import type { Side } from '../../../../shared/judge-api.ts';

export interface JudgeKeyActions {
  choose(side: Side): void;
  previousRow(): void;
  toggleStrength(): void;
  focusNote(): void;
  submit(): void;
  skip(): void;
  cannotJudge(): void;
  help(): void;
  guidelines(): void;
}

const SIDE_KEYS: Record<string, Side> = {
  ArrowLeft: 'left',
  '1': 'left',
  ArrowRight: 'right',
  '2': 'right',
  ArrowDown: 'tie',
  '3': 'tie',
};

/**
 * The keyboard contract of DESIGN.md. Keys act only when no dialog is open and the focus is not in
 * a text field (there, Esc leaves the field and Ctrl/⌘+Enter submits). Enter on an ordinary button
 * keeps its usual meaning.
 */
export function useJudgeKeys(enabled: boolean, actions: JudgeKeyActions) {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.isComposing) return;
      const a = ref.current;
      const target = e.target as HTMLElement | null;
      const typing = target?.closest('textarea, input, select, [contenteditable="true"]');
      if (typing) {
        if (e.key === 'Escape') (target as HTMLElement).blur();
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          a.submit();
        }
        return;
      }
      if (e.ctrlKey || e.metaKey || document.querySelector('dialog[open]')) return;
      const side = SIDE_KEYS[e.key];
      if (side) {
        e.preventDefault();
        a.choose(side);
        return;
      }
      switch (e.key) {
        case 'ArrowUp':
          e.preventDefault();
          a.previousRow();
          return;
        case 'Enter': {
          const onButton = target?.closest('button, a');
          if (onButton && onButton.getAttribute('role') !== 'radio') return;
          e.preventDefault();
          a.submit();
          return;
        }
        case 's':
        case 'S':
          e.preventDefault();
          a.skip();
          return;
        case 'c':
        case 'C':
          e.preventDefault();
          a.cannotJudge();
          return;
        case 'm':
        case 'M':
          e.preventDefault();
          a.toggleStrength();
          return;
        case 'n':
        case 'N':
          e.preventDefault();
          a.focusNote();
          return;
        case 'g':
        case 'G':
          e.preventDefault();
          a.guidelines();
          return;
        case '?':
          e.preventDefault();
          a.help();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
