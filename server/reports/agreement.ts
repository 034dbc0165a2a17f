import type { Agreement } from '../../shared/report.ts';
import { cohenKappa } from '../stats/cohen-kappa.ts';
import { fleissKappa, fleissUnits } from '../stats/fleiss-kappa.ts';
import { krippendorffAlphaNominal, pairableValues } from '../stats/krippendorff-alpha.ts';
import { rawAgreement } from '../stats/raw-agreement.ts';
import type { Ratings } from '../stats/ratings.ts';
import { groupBy } from './figures.ts';
import { int32s, type Growable } from './growable.ts';
import type { VerdictTable } from './verdict-table.ts';

/** Category of a mean score: 0 = b better, 1 = tie, 2 = a better. */
export function category(meanScore: number): number {
  return meanScore > 0.5 ? 2 : meanScore < 0.5 ? 0 : 1;
}

export interface UnitJudgments {
  ratings: Ratings;
  /**
   * On units judged by both kinds: the category of the human judges' mean score, and of the LLM
   * judges' (a consensus; not a majority vote where ties are among them: a, tie, tie is a).
   */
  human: Int32Array;
  llm: Int32Array;
  /** Per judge × unit judged in both display orders: category with a left, with b left. */
  aLeft: Int32Array;
  bLeft: Int32Array;
}

/**
 * Groups verdicts into units (item × pair) and judges. A judge's rating of a unit is the category
 * of the mean of their scores on it, so an LLM judged in both orders that disagrees with itself
 * rates it a tie.
 */
export function collectUnits(t: VerdictTable): UnitJudgments {
  const { start, order } = groupBy(t.item, t.length, t.items.size);
  const unitStart = int32s();
  unitStart.push(0);
  const rater = int32s();
  const value = int32s();
  const human = int32s();
  const llm = int32s();
  const aLeft = int32s();
  const bLeft = int32s();
  const idx: number[] = [];
  for (let it = 0; it < t.items.size; it++) {
    const s0 = start[it] as number;
    const s1 = start[it + 1] as number;
    if (s1 - s0 < 2) continue;
    // insertion sort by (pair, judge): groups are small, and this avoids a comparator sort per item
    idx.length = 0;
    for (let k = s0; k < s1; k++) {
      const v = order[k] as number;
      const pv = t.pair[v] as number;
      const jv = t.judge[v] as number;
      let pos = idx.length;
      while (pos > 0) {
        const w = idx[pos - 1] as number;
        const pw = t.pair[w] as number;
        if (pw < pv || (pw === pv && (t.judge[w] as number) <= jv)) break;
        idx[pos] = w;
        pos--;
      }
      idx[pos] = v;
    }
    let u = 0;
    while (u < idx.length) {
      const p = t.pair[idx[u] as number] as number;
      let end = u;
      while (end < idx.length && t.pair[idx[end] as number] === p) end++;
      // one unit: idx[u..end), sorted by judge
      // the unit's ratings go straight into rater/value and are taken back if fewer than 2
      const unitFrom = rater.length;
      let hSum = 0;
      let hN = 0;
      let lSum = 0;
      let lN = 0;
      let j = u;
      while (j < end) {
        const judge = t.judge[idx[j] as number] as number;
        let sum = 0;
        let n = 0;
        let aSum = 0;
        let aN = 0;
        let bSum = 0;
        let bN = 0;
        while (j < end && t.judge[idx[j] as number] === judge) {
          const i = idx[j] as number;
          const s = t.score[i] as number;
          sum += s;
          n++;
          if (t.shownLeft[i] === 0) {
            aSum += s;
            aN++;
          } else if (t.shownLeft[i] === 1) {
            bSum += s;
            bN++;
          }
          j++;
        }
        const mean = sum / n;
        rater.push(judge);
        value.push(category(mean));
        if (aN > 0 && bN > 0) {
          aLeft.push(category(aSum / aN));
          bLeft.push(category(bSum / bN));
        }
        if (t.judgeKind[idx[j - 1] as number] === 1) {
          lSum += mean;
          lN++;
        } else {
          hSum += mean;
          hN++;
        }
      }
      if (hN > 0 && lN > 0) {
        human.push(category(hSum / hN));
        llm.push(category(lSum / lN));
      }
      if (rater.length - unitFrom >= 2) unitStart.push(rater.length);
      else {
        rater.truncate(unitFrom);
        value.truncate(unitFrom);
      }
      u = end;
    }
  }
  return {
    ratings: {
      unitStart: unitStart.values(),
      rater: rater.values(),
      value: value.values(),
      categories: 3,
    },
    human: human.values(),
    llm: llm.values(),
    aLeft: aLeft.values(),
    bLeft: bLeft.values(),
  };
}

/** Judge pairs listed with their Cohen's kappa: a crowd of 400 judges shares ~70,000 pairs. */
const MAX_PAIRWISE = 200;

export function buildAgreement(t: VerdictTable, units: UnitJudgments): Agreement {
  const r = units.ratings;
  const unitCount = r.unitStart.length - 1;
  const raw = rawAgreement(r);
  const fleiss = fleissKappa(r);
  const alpha = krippendorffAlphaNominal(r);
  // Cohen's kappa for every pair of judges on the units both rated
  const shared = new Map<
    number,
    { j1: number; j2: number; x: Growable<Int32Array>; y: Growable<Int32Array> }
  >();
  const judges = t.judges.size;
  for (let u = 0; u < unitCount; u++) {
    for (let a = r.unitStart[u] as number; a < (r.unitStart[u + 1] as number); a++) {
      for (let b = a + 1; b < (r.unitStart[u + 1] as number); b++) {
        const j1 = r.rater[a] as number;
        const j2 = r.rater[b] as number;
        const key = j1 * judges + j2;
        let entry = shared.get(key);
        if (!entry) {
          entry = { j1, j2, x: int32s(4), y: int32s(4) };
          shared.set(key, entry);
        }
        entry.x.push(r.value[a] as number);
        entry.y.push(r.value[b] as number);
      }
    }
  }
  const pairwise = [...shared.values()]
    .sort((p, q) => q.x.length - p.x.length || p.j1 - q.j1 || p.j2 - q.j2)
    .slice(0, MAX_PAIRWISE)
    .map((e) => {
      const k = cohenKappa(e.x.values(), e.y.values(), 3);
      const judges: [string, string] = [
        t.judges.names[e.j1] as string,
        t.judges.names[e.j2] as string,
      ];
      return k.value === null
        ? { value: null, reason: k.reason, judges, n: e.x.length }
        : { value: k.value, judges, n: e.x.length };
    });
  const head = pairwise[0];
  const cohen: Agreement['cohenKappa'] = head
    ? { ...head, pairwise, pairwiseTotal: shared.size }
    : {
        value: null,
        reason: 'no two judges rated a common comparison',
        judges: null,
        n: 0,
        pairwise,
        pairwiseTotal: 0,
      };
  const hlKappa = cohenKappa(units.human, units.llm, 3);
  const hlN = units.human.length;
  let hlAgree = 0;
  for (let i = 0; i < hlN; i++) if (units.human[i] === units.llm[i]) hlAgree++;
  return {
    units: unitCount,
    raw: raw.value
      ? { value: raw.value.value, units: raw.value.units, pairs: raw.value.pairs }
      : { value: null, reason: raw.reason, units: 0, pairs: 0 },
    cohenKappa: cohen,
    // a kappa or alpha that cannot be computed still says what it was computed over (every rating
    // a tie on 6 units of 3 judges said 0 units and 0 raters, beside 6 units of raw agreement)
    fleissKappa: fleiss.value
      ? { value: fleiss.value.value, units: fleiss.value.units, raters: fleiss.value.raters }
      : { value: null, reason: fleiss.reason, ...fleissUnits(r) },
    krippendorffAlpha: alpha.value
      ? { value: alpha.value.value, units: alpha.value.units, values: alpha.value.values }
      : { value: null, reason: alpha.reason, ...pairableValues(r) },
    humanLlm:
      hlN > 0
        ? {
            value: hlAgree / hlN,
            n: hlN,
            kappa: hlKappa.value,
            ...(hlKappa.value === null ? { kappaReason: hlKappa.reason } : {}),
          }
        : {
            value: null,
            reason: 'no comparison was judged by both a human and an LLM',
            n: 0,
            kappa: null,
            kappaReason: 'no comparison was judged by both a human and an LLM',
          },
  };
}
