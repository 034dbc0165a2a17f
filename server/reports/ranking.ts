import type { RankingEntry, ReportOptions } from '../../shared/report.ts';
import { fitBradleyTerry } from '../stats/bradley-terry.ts';
import { fitDavidson } from '../stats/davidson.ts';
import { none, type Figure } from '../stats/figure.ts';
import { scoreOutcome, scoreWeight } from '../stats/moments.ts';
import { addVerdict, emptyTotals, type PairwiseTotals } from '../stats/pairwise-totals.ts';
import { bootstrapRanking, type ItemRows } from '../stats/ranking-bootstrap.ts';
import { createRng } from '../stats/rng.ts';
import { groupBy } from './figures.ts';
import { float64s, int32s } from './growable.ts';
import type { VerdictTable } from './verdict-table.ts';

/** Why the base system's `ci` is null: its score is the anchor, not an estimate. */
export const BASE_CI_REASON =
  'the base system: its score is 0 by definition and the others are measured from it, so it has no interval of its own';

export interface RankingResult {
  entries: RankingEntry[];
  info: {
    model: ReportOptions['ranking'];
    base: string | null;
    rounds: number;
    failedRounds: number;
    nu: number | null;
    reason?: string;
  };
}

/** The base: the requested one, else the system in the most pairs. */
export function chooseBase(t: VerdictTable, requested: string | undefined): number {
  if (requested !== undefined) {
    const id = t.systems.get(requested);
    if (id === undefined)
      throw new RangeError(`base system '${requested}' does not appear in the judgments`);
    return id;
  }
  // Rank by pairs taken part in, then pairs where it is side b (the design's base side), then verdicts.
  const pairsOf = new Float64Array(t.systems.size);
  const asB = new Float64Array(t.systems.size);
  const verdictsOf = new Float64Array(t.systems.size);
  t.pairs.forEach(([a, b]) => {
    pairsOf[a]!++;
    pairsOf[b]!++;
    asB[b]!++;
  });
  for (let i = 0; i < t.length; i++) {
    const [a, b] = t.pairs[t.pair[i] as number] as [number, number];
    verdictsOf[a]!++;
    verdictsOf[b]!++;
  }
  const key = (s: number) => [pairsOf[s] as number, asB[s] as number, verdictsOf[s] as number];
  let best = 0;
  for (let s = 1; s < t.systems.size; s++) {
    const [x, y] = [key(s), key(best)];
    for (let k = 0; k < 3; k++) {
      if ((x[k] as number) !== (y[k] as number)) {
        if ((x[k] as number) > (y[k] as number)) best = s;
        break;
      }
    }
  }
  return best;
}

function fitRanking(tot: PairwiseTotals, base: number, model: ReportOptions['ranking']) {
  return model === 'davidson' ? fitDavidson(tot, base) : fitBradleyTerry(tot, base);
}

/**
 * Ties excluded, a system whose every verdict was a tie is in no comparison that counts: no score,
 * for it or on a common scale with it, with that reason (it read as having won or lost every
 * comparison). Null when every system has a verdict left.
 */
function unscored(
  t: VerdictTable,
  involved: Float64Array,
  dropTies: boolean,
): Figure<never> | null {
  if (!dropTies) return null;
  const names = t.systems.names.filter((_, s) => involved[s] === 0);
  if (names.length === 0) return null;
  const which = names.length === 1 ? `${names[0]} has` : `${names.join(', ')} have`;
  const their = names.length === 1 ? 'its' : 'their';
  return none(
    `${which} no verdict left to score it: all ${their} verdicts were ties, which --ties exclude drops (--ties half counts them)`,
  );
}

/**
 * Bradley–Terry (ties as half wins; with ties excluded, each verdict by its decisive mass, as the
 * pair rows count it) or Davidson log-strengths with
 * clustered-bootstrap CIs (items resampled with all their verdicts, across every pair).
 */
export function buildRanking(t: VerdictTable, opts: ReportOptions): RankingResult {
  const systems = t.systems.size;
  const info: RankingResult['info'] = {
    model: opts.ranking,
    base: null,
    rounds: 0,
    failedRounds: 0,
    nu: null,
  };
  if (systems < 2) {
    info.reason = 'fewer than 2 systems';
    return {
      entries: t.systems.names.map((system) => ({
        system,
        score: null,
        ci: null,
        n: 0,
        reasons: { score: info.reason as string, ci: info.reason as string },
      })),
      info,
    };
  }
  const base = chooseBase(t, opts.base);
  info.base = t.systems.names[base] as string;
  const dropTies = opts.ties === 'exclude' && opts.ranking === 'bradley-terry';
  const tot = emptyTotals(systems);
  const involved = new Float64Array(systems);
  // per item, per pair rows for the bootstrap
  const { start, order } = groupBy(t.item, t.length, t.items.size);
  const rowStart = new Int32Array(t.items.size + 1);
  const cell = int32s();
  const rn = float64s();
  const rw = float64s();
  const rt = float64s();
  const touched = int32s(Math.min(t.pairs.length, 1024));
  const scratchN = new Float64Array(t.pairs.length);
  const scratchW = new Float64Array(t.pairs.length);
  const scratchT = new Float64Array(t.pairs.length);
  for (let it = 0; it < t.items.size; it++) {
    rowStart[it] = cell.length;
    touched.truncate(0);
    for (let k = start[it] as number; k < (start[it + 1] as number); k++) {
      const i = order[k] as number;
      const score = t.score[i] as number;
      // ties excluded: a score counts by its decisive mass, a win or a loss of weight |2s − 1|, as
      // in the pair rows (server/stats/moments.ts); an exact tie weighs nothing
      const weight = dropTies ? scoreWeight(score, 'exclude') : 1;
      if (weight === 0) continue;
      const s = dropTies ? scoreOutcome(score, 'exclude') : score;
      const p = t.pair[i] as number;
      const [a, b] = t.pairs[p] as [number, number];
      addVerdict(tot, a, b, s, weight);
      involved[a]!++;
      involved[b]!++;
      if (scratchN[p] === 0) touched.push(p);
      scratchN[p] = (scratchN[p] as number) + weight;
      scratchW[p] = (scratchW[p] as number) + weight * s;
      if (s === 0.5) scratchT[p]!++;
    }
    for (const p of touched.values()) {
      const [a, b] = t.pairs[p] as [number, number];
      // rows store (i, j) with i < j and i's score
      const lowFirst = a < b;
      cell.push(lowFirst ? a * systems + b : b * systems + a);
      rn.push(scratchN[p] as number);
      rw.push(
        lowFirst ? (scratchW[p] as number) : (scratchN[p] as number) - (scratchW[p] as number),
      );
      rt.push(scratchT[p] as number);
      scratchN[p] = 0;
      scratchW[p] = 0;
      scratchT[p] = 0;
    }
  }
  rowStart[t.items.size] = cell.length;
  const rows: ItemRows = {
    rowStart,
    cell: cell.values(),
    n: rn.values(),
    w: rw.values(),
    t: rt.values(),
  };

  const fit = unscored(t, involved, dropTies) ?? fitRanking(tot, base, opts.ranking);
  if (fit.value === null) {
    info.reason = fit.reason;
    return {
      entries: t.systems.names.map((system, s) => ({
        system,
        score: null,
        ci: null,
        n: involved[s] as number,
        reasons: { score: fit.reason, ci: fit.reason },
      })),
      info,
    };
  }
  if ('nu' in fit.value) info.nu = (fit.value as { nu: number }).nu;
  const scores = fit.value.scores;
  const boot = bootstrapRanking(
    rows,
    systems,
    base,
    opts.ranking,
    opts.level,
    opts.rounds,
    createRng(opts.seed, 'ranking'),
    scores,
  );
  info.rounds = boot.rounds;
  info.failedRounds = boot.failedRounds;
  const entries = t.systems.names.map((system, s): RankingEntry => {
    const reasons: Record<string, string> = {};
    // the base is 0 by definition, not by estimate: [0, 0] would read as a zero-width interval
    const ci = s === base ? null : (boot.intervals[s] ?? null);
    if (ci === null) reasons.ci = s === base ? BASE_CI_REASON : (boot.reasons[s] as string);
    return { system, score: scores[s] as number, ci, n: involved[s] as number, reasons };
  });
  entries.sort((x, y) => (y.score ?? -Infinity) - (x.score ?? -Infinity));
  return { entries, info };
}
