import { scoreTestPValue } from './dual-test.ts';
import type { Figure, Interval } from './figure.ts';
import { wilsonInterval } from './wilson.ts';

export interface PositionBias {
  /** Verdicts whose displayed order is known. */
  n: number;
  leftWins: number;
  rightWins: number;
  ties: number;
  /** leftWins / (leftWins + rightWins). */
  leftWinRate: Figure<number>;
  ci: Figure<Interval>;
  pValue: Figure<number>;
}

/**
 * How often the side shown on the left wins, ties excluded: Wilson CI and the score test against ½
 * dual to it (the exact sign test disagreed with Wilson about ½, e.g. 4 left wins of 4: CI
 * [0.51, 1] beside p = 0.125).
 */
export function positionBias(
  leftWins: number,
  rightWins: number,
  ties: number,
  level: number,
): PositionBias {
  const decisive = leftWins + rightWins;
  return {
    n: decisive + ties,
    leftWins,
    rightWins,
    ties,
    leftWinRate:
      decisive > 0
        ? { value: leftWins / decisive }
        : { value: null, reason: 'no decisive verdict with a known display order' },
    ci: wilsonInterval(leftWins, decisive, level),
    pValue:
      decisive > 0
        ? { value: scoreTestPValue(leftWins / decisive, decisive, Number.POSITIVE_INFINITY) }
        : { value: null, reason: 'no decisive verdict with a known display order' },
  };
}

export interface SwapConsistency {
  /** Judge × comparison pairs judged in both display orders. */
  pairs: number;
  /** Same verdict (in system terms) in both orders. */
  consistent: number;
  rate: Figure<number>;
  /** Inconsistent pairs where the left side won both times / the right side both times. */
  leftBothTimes: number;
  rightBothTimes: number;
}

/**
 * Consistency of a judge across the two display orders of one comparison. Verdicts are category
 * codes 0 = b, 1 = tie, 2 = a, for the order with a on the left and the order with b on the left.
 */
export function swapConsistency(
  aLeft: ArrayLike<number>,
  bLeft: ArrayLike<number>,
): SwapConsistency {
  let consistent = 0;
  let leftBoth = 0;
  let rightBoth = 0;
  for (let i = 0; i < aLeft.length; i++) {
    const x = aLeft[i] as number;
    const y = bLeft[i] as number;
    if (x === y) consistent++;
    else if (x === 2 && y === 0) leftBoth++;
    else if (x === 0 && y === 2) rightBoth++;
  }
  const pairs = aLeft.length;
  return {
    pairs,
    consistent,
    rate:
      pairs > 0
        ? { value: consistent / pairs }
        : {
            value: null,
            reason: 'no comparison was judged in both display orders by the same judge',
          },
    leftBothTimes: leftBoth,
    rightBothTimes: rightBoth,
  };
}
