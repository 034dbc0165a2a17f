import type { Figure, Interval } from './figure.ts';
import { fitLogistic, type LogisticFit } from './logistic.ts';
import { wilsonInterval } from './wilson.ts';

export interface LengthBin {
  label: string;
  /** Bounds on x = ln((len_a + 1) / (len_b + 1)); null = unbounded. */
  from: number | null;
  to: number | null;
  n: number;
  /** Mean score of a (ties half). */
  winRate: Figure<number>;
  ci: Figure<Interval>;
}

export interface LengthBias {
  n: number;
  bins: LengthBin[];
  /** Logistic fit of a's score on x; the slope is the log-odds change per e-fold of length ratio. */
  fit: Figure<LogisticFit>;
}

/** Bin edges on the log length ratio: about ±10% is "similar", beyond ±50% "much". */
export const LENGTH_BIN_EDGES = [-0.4, -0.1, 0.1, 0.4] as const;
const LABELS = ['a much shorter', 'a shorter', 'similar length', 'a longer', 'a much longer'];

export function logLengthRatio(lenA: number, lenB: number): number {
  return Math.log((lenA + 1) / (lenB + 1));
}

/** Win rate of a by length-ratio bin and the slope of a logistic fit of a's score on x. */
export function lengthBias(
  x: Float64Array,
  score: Float64Array,
  level: number,
  weight?: Float64Array,
): LengthBias {
  const edges = [-Infinity, ...LENGTH_BIN_EDGES, Infinity];
  const bins: LengthBin[] = [];
  for (let b = 0; b < LABELS.length; b++) {
    const lo = edges[b] as number;
    const hi = edges[b + 1] as number;
    let n = 0;
    let mass = 0;
    let sum = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      if (v >= lo && v < hi) {
        const w = weight ? (weight[i] as number) : 1;
        n++;
        mass += w;
        sum += w * (score[i] as number);
      }
    }
    bins.push({
      label: LABELS[b] as string,
      from: Number.isFinite(lo) ? lo : null,
      to: Number.isFinite(hi) ? hi : null,
      n,
      winRate: n > 0 ? { value: sum / mass } : { value: null, reason: 'no verdicts in this bin' },
      ci: wilsonInterval(sum, mass, level),
    });
  }
  return { n: x.length, bins, fit: fitLogistic(x, score, weight) };
}
