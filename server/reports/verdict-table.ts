import { grow, sharedArray } from './growable.ts';
import { logLengthRatio } from '../stats/length-bias.ts';
import { NameIndex } from './name-index.ts';
import { STYLE_FEATURES, type StyleCounts } from '../stats/style-control.ts';

/**
 * Verdicts in columns of typed arrays with interned names (item ids off the heap, in a
 * NameIndex): a million verdicts cost tens of megabytes and no object per line. Pairs are canonical: the first orientation seen (or the one
 * with the base system on side b) is kept, and verdicts given the other way round are flipped.
 */

export class Dictionary {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  id(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
    }
    return i;
  }

  get(name: string): number | undefined {
    return this.index.get(name);
  }

  get size(): number {
    return this.names.length;
  }
}

export const JUDGE_KINDS = ['human', 'llm'] as const;
export type JudgeKind = (typeof JUDGE_KINDS)[number];

/** One verdict as readers hand it over; `score` is a's score (1 win, ½ tie, 0 loss; may be fractional). */
export interface VerdictInput {
  item: string;
  a: string;
  b: string;
  score: number;
  judge: string;
  judgeKind: JudgeKind;
  /** Which system was shown on the left, when known. */
  shownLeft?: 'a' | 'b';
  /** a's score per axis. */
  axes?: Record<string, number>;
  modality?: string;
  lenA?: number;
  lenB?: number;
  /** The style counts (length, headers, list items, bold spans) of a's and b's outputs, when known. */
  styleA?: StyleCounts;
  styleB?: StyleCounts;
}

/** Style counts per verdict row: a's four then b's four, in STYLE_FEATURES order. */
export const STYLE_STRIDE = 2 * STYLE_FEATURES.length;

export interface VerdictTable {
  length: number;
  /** Item ids only: items are clusters and are never named in a report. */
  items: NameIndex;
  systems: Dictionary;
  judges: Dictionary;
  modalities: Dictionary;
  axes: Dictionary;
  /** Canonical pairs: [a, b] system ids. */
  pairs: Array<[number, number]>;
  item: Int32Array;
  pair: Int32Array;
  score: Float64Array;
  judge: Int32Array;
  /** Index into JUDGE_KINDS. */
  judgeKind: Uint8Array;
  /** 0: a shown left, 1: b shown left, −1: unknown. */
  shownLeft: Int8Array;
  /** −1: none. */
  modality: Int32Array;
  /** log((len_a + 1) / (len_b + 1)) of the canonical pair's a and b; NaN when a length is unknown. */
  lengthRatio: Float64Array;
  /** len_a − len_b of the canonical pair (the length-controlled win rate's covariate); NaN when unknown. */
  lengthDiff: Float64Array;
  /** Per axis id: a's score on that axis, NaN when the verdict has none. */
  axisScore: Float64Array[];
  /**
   * The canonical pair's style counts, STYLE_STRIDE per row (a's length, headers, lists, bold,
   * then b's; the style-controlled win rate's covariates), −1 when the verdict has none; null
   * until a verdict with style counts is added (a file without them costs nothing).
   */
  style: Int32Array | null;
  /** Records skipped by readers (e.g. failed AlpacaEval annotations). */
  skipped: number;
  warnings: string[];
}

/**
 * Warnings listed one by one, per kind: records skipped (a file of failed annotations can skip
 * thousands) and the rest (typos, repeated verdicts). Separate budgets, so that a flood of skipped
 * records never hides a warning about the file as a whole.
 */
const MAX_WARNINGS = 20;

export class VerdictTableBuilder {
  private t: VerdictTable;
  private readonly pairIndex = new Map<number, number>();
  private readonly base: string | undefined;
  private warned = 0;
  private skipWarnings = 0;
  private skippedListed = 0;

  constructor(options: { base?: string } = {}) {
    this.base = options.base;
    // the columns live on shared memory: the verdicts' hash reads them on a worker thread while
    // the statistics run (provenance.ts verdictsHashOffThread), and nothing writes them after
    // finish()
    const cap = 1024;
    this.t = {
      length: 0,
      items: new NameIndex(),
      systems: new Dictionary(),
      judges: new Dictionary(),
      modalities: new Dictionary(),
      axes: new Dictionary(),
      pairs: [],
      item: sharedArray(Int32Array, cap),
      pair: sharedArray(Int32Array, cap),
      score: sharedArray(Float64Array, cap),
      judge: sharedArray(Int32Array, cap),
      judgeKind: sharedArray(Uint8Array, cap),
      shownLeft: sharedArray(Int8Array, cap),
      modality: sharedArray(Int32Array, cap),
      lengthRatio: sharedArray(Float64Array, cap),
      lengthDiff: sharedArray(Float64Array, cap),
      axisScore: [],
      style: null,
      skipped: 0,
      warnings: [],
    };
  }

  /** Rows added so far. */
  get rows(): number {
    return this.t.length;
  }

  warn(message: string): void {
    this.warned++;
    if (this.warned <= MAX_WARNINGS) this.t.warnings.push(message);
    else if (this.warned === MAX_WARNINGS + 1) this.t.warnings.push('… further warnings omitted');
  }

  /**
   * `count` records skipped for one reason, given in one warning; past MAX_WARNINGS such warnings,
   * the records are only counted, and finish() says how many went unlisted.
   */
  skip(message: string, count = 1): void {
    this.t.skipped += count;
    if (this.skipWarnings >= MAX_WARNINGS) return;
    this.skipWarnings++;
    this.skippedListed += count;
    this.t.warnings.push(message);
  }

  add(v: VerdictInput): void {
    // The readers refuse these with file and line; this catches any other source (a study's
    // judges in the database): the name would set a report object's prototype and vanish.
    if (
      v.judge === '__proto__' ||
      v.modality === '__proto__' ||
      (v.axes && Object.hasOwn(v.axes, '__proto__'))
    )
      throw new RangeError("'__proto__' cannot be a judge, modality or axis name in a report");
    const t = this.t;
    const i = t.length;
    const need = i + 1;
    if (need > t.item.length) {
      t.item = grow(t.item, need);
      t.pair = grow(t.pair, need);
      t.score = grow(t.score, need);
      t.judge = grow(t.judge, need);
      t.judgeKind = grow(t.judgeKind, need);
      t.shownLeft = grow(t.shownLeft, need);
      t.modality = grow(t.modality, need);
      t.lengthRatio = grow(t.lengthRatio, need);
      t.lengthDiff = grow(t.lengthDiff, need);
      t.axisScore = t.axisScore.map((arr) => grow(arr, need));
      if (t.style) t.style = grow(t.style, need * STYLE_STRIDE);
    }
    const sa = t.systems.id(v.a);
    const sb = t.systems.id(v.b);
    const key = Math.min(sa, sb) * 1_000_003 + Math.max(sa, sb);
    let p = this.pairIndex.get(key);
    if (p === undefined) {
      p = t.pairs.length;
      this.pairIndex.set(key, p);
      t.pairs.push(this.base !== undefined && v.a === this.base ? [sb, sa] : [sa, sb]);
    }
    const flip = (t.pairs[p] as [number, number])[0] !== sa;
    t.item[i] = t.items.id(v.item);
    t.pair[i] = p;
    t.score[i] = flip ? 1 - v.score : v.score;
    t.judge[i] = t.judges.id(v.judge);
    t.judgeKind[i] = v.judgeKind === 'llm' ? 1 : 0;
    t.shownLeft[i] = v.shownLeft === undefined ? -1 : (v.shownLeft === 'a') !== flip ? 0 : 1;
    t.modality[i] = v.modality === undefined ? -1 : t.modalities.id(v.modality);
    t.lengthRatio[i] =
      v.lenA === undefined || v.lenB === undefined
        ? Number.NaN
        : flip
          ? logLengthRatio(v.lenB, v.lenA)
          : logLengthRatio(v.lenA, v.lenB);
    t.lengthDiff[i] =
      v.lenA === undefined || v.lenB === undefined
        ? Number.NaN
        : flip
          ? v.lenB - v.lenA
          : v.lenA - v.lenB;
    const hasStyle = v.styleA !== undefined && v.styleB !== undefined;
    if (hasStyle && !t.style) t.style = new Int32Array(t.item.length * STYLE_STRIDE).fill(-1);
    if (t.style) {
      const o = i * STYLE_STRIDE;
      const [first, second] = flip ? [v.styleB, v.styleA] : [v.styleA, v.styleB];
      STYLE_FEATURES.forEach((f, c) => {
        (t.style as Int32Array)[o + c] = hasStyle ? (first as StyleCounts)[f] : -1;
        (t.style as Int32Array)[o + STYLE_FEATURES.length + c] = hasStyle
          ? (second as StyleCounts)[f]
          : -1;
      });
    }
    for (const arr of t.axisScore) arr[i] = Number.NaN;
    if (v.axes) {
      for (const name in v.axes) {
        const s = v.axes[name] as number;
        const ax = t.axes.id(name);
        while (t.axisScore.length <= ax) {
          const arr = sharedArray(Float64Array, t.item.length).fill(Number.NaN);
          t.axisScore.push(arr);
        }
        (t.axisScore[ax] as Float64Array)[i] = flip ? 1 - s : s;
      }
    }
    t.length = need;
  }

  finish(): VerdictTable {
    const unlisted = this.t.skipped - this.skippedListed;
    if (unlisted > 0)
      this.t.warnings.push(
        `… and ${unlisted} more ${unlisted === 1 ? 'record' : 'records'} skipped, not listed (${this.t.skipped} skipped in all)`,
      );
    return this.t;
  }
}

/** a's score for a side: 1 when a won, ½ for a tie, 0 when b won. */
export function sideScore(side: 'a' | 'b' | 'tie'): number {
  return side === 'a' ? 1 : side === 'tie' ? 0.5 : 0;
}
