import { scoreNumerator, scoreWeight, type TiesMode } from '../stats/moments.ts';
import { STYLE_STRIDE, type VerdictTable } from './verdict-table.ts';

/**
 * A pair's verdicts reduced to one entry per item, what the item-level figures (the human-
 * calibrated rate, the confidence sequence, the length-controlled rate) work on. Items are in the
 * order they were completed: by their last verdict's row, which is file order for a judgments
 * file and verdict time for a study (the read model streams a study's verdicts by created_at).
 */
export interface PairItems {
  count: number;
  /** Per item, its mean score (ties as the report counts them) over all, human, LLM verdicts; NaN: none. */
  mean: Float64Array;
  humanMean: Float64Array;
  llmMean: Float64Array;
  /** Per item, len(a) − len(b) of its first verdict with both lengths; NaN: none. */
  lengthDiff: Float64Array;
  /** Per item, its verdicts with both lengths (ties excluded when the report excludes them) and their score sum. */
  lengthVerdicts: Float64Array;
  lengthScoreSum: Float64Array;
  /** Per item, STYLE_STRIDE style counts (a's, then b's) of its first verdict with them; −1: none. */
  style: Int32Array;
  /** Per item, its verdicts with style counts (ties as for lengths) and their score sum. */
  styleVerdicts: Float64Array;
  styleScoreSum: Float64Array;
  humanVerdicts: number;
  llmVerdicts: number;
}

/** One slot per item id, -1 when unused: sized once per report and handed back clean. */
export type ItemSlots = Int32Array;

export function itemSlots(t: VerdictTable): ItemSlots {
  return new Int32Array(t.items.size).fill(-1);
}

const HUMAN = 0;

/** The items of the verdicts `indices` (rows in ascending order), ties scored as `ties` says. */
export function pairItems(
  t: VerdictTable,
  indices: ArrayLike<number>,
  ties: TiesMode,
  slots: ItemSlots,
): PairItems {
  // first pass, from the last row back: an item's first sighting is its last verdict, so
  // numbering items as they are first seen backwards numbers them by completion, last first
  let n = 0;
  for (let k = indices.length - 1; k >= 0; k--) {
    const it = t.item[indices[k] as number] as number;
    if ((slots[it] as number) < 0) slots[it] = n++;
  }
  const sum = new Float64Array(n);
  const weight = new Float64Array(n);
  const hSum = new Float64Array(n);
  const hWeight = new Float64Array(n);
  const lSum = new Float64Array(n);
  const lWeight = new Float64Array(n);
  const lengthDiff = new Float64Array(n).fill(Number.NaN);
  const lengthVerdicts = new Float64Array(n);
  const lengthScoreSum = new Float64Array(n);
  const style = new Int32Array(t.style ? n * STYLE_STRIDE : 0).fill(-1);
  const styleVerdicts = new Float64Array(n);
  const styleScoreSum = new Float64Array(n);
  let humanVerdicts = 0;
  let llmVerdicts = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    const r = n - 1 - (slots[t.item[i] as number] as number);
    const s = t.score[i] as number;
    const w = scoreWeight(s, ties);
    const x = scoreNumerator(s, ties);
    sum[r] = (sum[r] as number) + x;
    weight[r] = (weight[r] as number) + w;
    if (t.judgeKind[i] === HUMAN) {
      humanVerdicts++;
      hSum[r] = (hSum[r] as number) + x;
      hWeight[r] = (hWeight[r] as number) + w;
    } else {
      llmVerdicts++;
      lSum[r] = (lSum[r] as number) + x;
      lWeight[r] = (lWeight[r] as number) + w;
    }
    const d = t.lengthDiff[i] as number;
    // as the pair's rate: by decisive mass with ties excluded (a tie, of weight 0, is no verdict on
    // length either), each verdict whole with ties half
    if (!Number.isNaN(d) && w > 0) {
      if (Number.isNaN(lengthDiff[r] as number)) lengthDiff[r] = d;
      lengthVerdicts[r] = (lengthVerdicts[r] as number) + w;
      lengthScoreSum[r] = (lengthScoreSum[r] as number) + x;
    }
    // the style counts, as the lengths: an item's first verdict with them, weighted as above
    if (t.style && (t.style[i * STYLE_STRIDE] as number) >= 0 && w > 0) {
      if ((style[r * STYLE_STRIDE] as number) < 0)
        style.set(t.style.subarray(i * STYLE_STRIDE, (i + 1) * STYLE_STRIDE), r * STYLE_STRIDE);
      styleVerdicts[r] = (styleVerdicts[r] as number) + w;
      styleScoreSum[r] = (styleScoreSum[r] as number) + x;
    }
  }
  for (let k = 0; k < indices.length; k++) slots[t.item[indices[k] as number] as number] = -1;
  const ratio = (sums: Float64Array, weights: Float64Array) =>
    sums.map((v, r) => ((weights[r] as number) > 0 ? v / (weights[r] as number) : Number.NaN));
  return {
    count: n,
    mean: ratio(sum, weight),
    humanMean: ratio(hSum, hWeight),
    llmMean: ratio(lSum, lWeight),
    lengthDiff,
    lengthVerdicts,
    lengthScoreSum,
    style,
    styleVerdicts,
    styleScoreSum,
    humanVerdicts,
    llmVerdicts,
  };
}
