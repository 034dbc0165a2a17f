import type { Competence, CompetenceJudge, CompetencePair } from '../../shared/report.ts';
import { competenceWinRate, dawidSkene, DS_CLASSES, scoreLabel } from '../stats/dawid-skene.ts';
import { none, ok, type Figure, type Interval } from '../stats/figure.ts';
import { createRng } from '../stats/rng.ts';
import { take } from './figures.ts';
import { JUDGE_KINDS, type VerdictTable } from './verdict-table.ts';

/**
 * The judge-competence sensitivity analysis (`sensitivity.competence`): the Dawid–Skene model
 * (server/stats/dawid-skene.ts) fitted on every overall verdict, a comparison (item × pair, in the
 * pair's canonical orientation) being one unit; each judge's estimated reliability; and each
 * pair's win rate from the comparisons' posterior classes, with a bootstrap interval over items.
 * Beside the main figures, never instead of them (docs/statistics.md).
 */
export function competenceFigure(
  t: VerdictTable,
  opts: { ties: 'half' | 'exclude'; level: number; rounds: number; seed: number },
): Figure<Competence> {
  const P = t.pairs.length;
  const unitOf = unitIndex(t.items.size * P, t.length);
  const unitPair: number[] = [];
  const unit = new Int32Array(t.length);
  const label = new Uint8Array(t.length);
  const judge = new Int32Array(t.length);
  let v = 0;
  for (let i = 0; i < t.length; i++) {
    const score = t.score[i] as number;
    if (Number.isNaN(score)) continue;
    const key = (t.item[i] as number) * P + (t.pair[i] as number);
    let u = unitOf.get(key);
    if (u === undefined) {
      u = unitPair.length;
      unitOf.set(key, u);
      unitPair.push(t.pair[i] as number);
    }
    unit[v] = u;
    judge[v] = t.judge[i] as number;
    label[v] = scoreLabel(score);
    v++;
  }
  if (v === 0) return none('no verdicts');
  // a unit judged by two or more judges is what tells judges apart
  const firstJudge = new Int32Array(unitPair.length).fill(-1);
  const shared = new Uint8Array(unitPair.length);
  for (let i = 0; i < v; i++) {
    const u = unit[i] as number;
    const j = judge[i] as number;
    if (firstJudge[u] === -1) firstJudge[u] = j;
    else if (firstJudge[u] !== j) shared[u] = 1;
  }
  let sharedUnits = 0;
  for (const s of shared) sharedUnits += s;
  if (sharedUnits === 0) return none('no comparison judged by two or more judges');
  const judgeShares = new Uint8Array(t.judges.size);
  const kind = new Int8Array(t.judges.size).fill(-1);
  for (let i = 0; i < t.length; i++)
    if (kind[t.judge[i] as number] === -1) kind[t.judge[i] as number] = t.judgeKind[i] as number;
  for (let i = 0; i < v; i++) if (shared[unit[i] as number]) judgeShares[judge[i] as number] = 1;

  const fit = dawidSkene({
    units: unitPair.length,
    judges: t.judges.size,
    unit: unit.subarray(0, v),
    judge: judge.subarray(0, v),
    label: label.subarray(0, v),
  });

  const judges: CompetenceJudge[] = [];
  t.judges.names.forEach((name, j) => {
    const verdicts = fit.verdicts[j] as number;
    if (verdicts === 0) return;
    const c = fit.confusion[j] as Float64Array;
    const reasons: Record<string, string> = {};
    const accuracy = judgeShares[j]
      ? (fit.accuracy[j] as number)
      : ((reasons.accuracy = 'no comparison shared with another judge'), null);
    judges.push({
      judge: name,
      kind: JUDGE_KINDS[kind[j] as number] ?? 'human',
      verdicts,
      accuracy,
      confusion: [0, 1, 2].map((k) => [c[k * 3]!, c[k * 3 + 1]!, c[k * 3 + 2]!]) as [
        [number, number, number],
        [number, number, number],
        [number, number, number],
      ],
      reasons,
    });
  });
  judges.sort((x, y) => x.judge.localeCompare(y.judge));

  const unitsOfPair: number[][] = t.pairs.map(() => []);
  unitPair.forEach((p, u) => unitsOfPair[p]!.push(u));
  const pairs: CompetencePair[] = t.pairs.map(([a, b], p) => {
    const aName = t.systems.names[a] as string;
    const bName = t.systems.names[b] as string;
    const units = unitsOfPair[p] as number[];
    const rng = createRng(opts.seed, `${aName}\u0000${bName}\u0000competence`);
    // an unfinished EM's posteriors are not an estimate: no rate from them (the judges' figures
    // stay, with `converged: false` beside them)
    const w = fit.converged
      ? competenceWinRate(fit.posterior, units, opts.ties, opts.level, opts.rounds, rng)
      : {
          winRate: none<number>(unconverged(fit.iterations)),
          ci: none<Interval>(unconverged(fit.iterations)),
        };
    const reasons: Record<string, string> = {};
    return {
      a: aName,
      b: bName,
      comparisons: units.length,
      winRate: take(w.winRate, 'winRate', reasons),
      ci: take(w.ci, 'ci', reasons) as [number, number] | null,
      reasons,
    };
  });

  return ok({
    model: 'dawid-skene',
    classes: [...DS_CLASSES],
    comparisons: unitPair.length,
    sharedComparisons: sharedUnits,
    iterations: fit.iterations,
    converged: fit.converged,
    tolerance: fit.tolerance,
    smoothing: fit.smoothing,
    prior: [fit.prior[0]!, fit.prior[1]!, fit.prior[2]!],
    judges,
    pairs,
  });
}

/**
 * The comparison (unit) of each item × pair key seen so far: an array over every key where there
 * are not many more keys than verdicts (a million verdicts spent 0.25 s in a Map's lookups), else
 * a Map (many systems, few comparisons per item).
 */
function unitIndex(
  keys: number,
  verdicts: number,
): { get(key: number): number | undefined; set(key: number, unit: number): void } {
  if (keys > 4 * verdicts + 1024) return new Map<number, number>();
  const units = new Int32Array(keys).fill(-1);
  return {
    get: (key) => {
      const u = units[key] as number;
      return u === -1 ? undefined : u;
    },
    set: (key, unit) => {
      units[key] = unit;
    },
  };
}

/** Why a pair has no competence-weighted rate when the EM stopped at its cap. */
function unconverged(iterations: number): string {
  return `the EM did not converge in ${iterations} iterations: no estimate`;
}
