/**
 * An item's verdicts reduced to one value: their mean score for a (win 1, tie ½, loss 0), or null
 * when the item has none. The methods that treat items as independent units (prediction-powered
 * inference, the confidence sequence) work on these, so several verdicts on one item, correlated
 * through the item itself, weigh as one observation and never as several independent ones.
 */
export function itemMean(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  let sum = 0;
  for (const s of scores) sum += s;
  return sum / scores.length;
}
