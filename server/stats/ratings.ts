/**
 * Nominal ratings of units by raters, sparse: unit u's ratings are entries
 * unitStart[u]..unitStart[u+1] of (rater, value). A rater rates a unit at most once; values are
 * category codes 0..categories−1.
 */
export interface Ratings {
  unitStart: Int32Array;
  rater: Int32Array;
  value: Int32Array;
  categories: number;
}

/** Builds Ratings from a list of units, each a list of [rater, value]. */
export function ratingsFromUnits(
  units: ReadonlyArray<ReadonlyArray<readonly [number, number]>>,
  categories: number,
): Ratings {
  const total = units.reduce((s, u) => s + u.length, 0);
  const unitStart = new Int32Array(units.length + 1);
  const rater = new Int32Array(total);
  const value = new Int32Array(total);
  let k = 0;
  units.forEach((u, i) => {
    unitStart[i] = k;
    for (const [r, v] of u) {
      rater[k] = r;
      value[k] = v;
      k++;
    }
  });
  unitStart[units.length] = k;
  return { unitStart, rater, value, categories };
}

export function unitCount(r: Ratings): number {
  return r.unitStart.length - 1;
}
