import { clusteredBootstrap, type ClusterScores, type LeaningClusters } from './bootstrap.ts';
import { clopperPearsonInterval } from './clopper-pearson.ts';
import { criticalValue, designEffect } from './cluster-wilson.ts';
import {
  agrestiCoullAddedTestPValue,
  agrestiCoullTestPValue,
  exactTestPValue,
  scoreTestPValue,
  waldTestPValue,
} from './dual-test.ts';
import { agrestiCoullAddedBounds, agrestiCoullBounds } from './agresti-coull.ts';
import { none, ok, type Figure, type Interval } from './figure.ts';
import type { ScoreMoments, TiesMode } from './moments.ts';
import type { Rng } from './rng.ts';
import { waldInterval } from './wald.ts';
import { standardError, winRate } from './win-rate.ts';
import { wilsonBounds, zCritical } from './wilson.ts';

export type CiMethod =
  'wilson' | 'agresti-coull' | 'exact' | 'normal' | 'bootstrap' | 'cluster-wilson';
export type CiChoice = CiMethod | 'auto';
/** The test behind a row's p-value: always the dual of its interval (dual-test.ts). */
export type PTest = 'score-z' | 'score-t' | 'agresti-coull' | 'exact' | 'wald' | 'bootstrap';

const P_TEST: Record<CiMethod, PTest> = {
  wilson: 'score-z',
  'agresti-coull': 'agresti-coull',
  'cluster-wilson': 'score-t',
  exact: 'exact',
  normal: 'wald',
  bootstrap: 'bootstrap',
};

export interface SummaryOptions {
  ci: CiChoice;
  ties: TiesMode;
  level: number;
  rounds: number;
  /** Called only when a bootstrap runs, so each summary can get its own derived stream. */
  rng: () => Rng;
}

export interface PairSummary {
  n: number;
  wins: number;
  losses: number;
  ties: number;
  /** Distinct items (clusters) with at least one included verdict. */
  items: number;
  winRate: Figure<number>;
  /** Standard error of winRate: item-clustered (the design's) when verdicts are clustered. */
  se: Figure<number>;
  ci: Figure<Interval>;
  ciMethod: CiMethod;
  pValue: Figure<number>;
  pTest: PTest;
}

/** Whether some item carries more than one verdict: then verdicts are not independent. */
export function isClustered(clusters: ClusterScores): boolean {
  for (const c of clusters.verdicts ?? clusters.counts) if (c > 1) return true;
  return false;
}

/**
 * The default interval: cluster-Wilson (Wilson on the design-effect effective sample size, t with
 * the design's degrees of freedom, cluster-wilson.ts) when some item has several verdicts (several
 * judges, both orders), Agresti–Coull otherwise (one verdict per item: at least 93% in every cell
 * of the coverage grid from 10 items, where Wilson falls to 0.914). cluster-Wilson replaced the
 * clustered percentile bootstrap as the default because it keeps 93–97% coverage near the boundary
 * with few items, where the bootstrap fell to ~0.88 (docs/statistics.md); the bootstrap stays
 * available as `--ci bootstrap`, Wilson as `--ci wilson`.
 */
export function resolveCiMethod(choice: CiChoice, clusters: ClusterScores): CiMethod {
  if (choice !== 'auto') return choice;
  return isClustered(clusters) ? 'cluster-wilson' : 'agresti-coull';
}

/**
 * One treatment of ties (and fractional scores) for every method: each interval is about the same
 * rate Σ numerator / Σ weight (moments.ts), and each takes its spread from the scores themselves
 * through one effective sample size (cluster-wilson.ts designEffect: clustered when some item has
 * several verdicts, independent otherwise). Wilson, cluster-Wilson and Clopper–Pearson are the
 * binomial intervals on p̂·n_eff of n_eff (cluster-Wilson with t on the design's degrees of freedom for z); the normal interval is p̂ ± z·se with the same se. For
 * win/loss verdicts on one verdict per item, n_eff = n and these are the textbook intervals.
 */
export function summarizePair(
  m: ScoreMoments,
  clusters: LeaningClusters,
  opts: SummaryOptions,
): PairSummary {
  const rate = winRate(m);
  const method = resolveCiMethod(opts.ci, clusters);
  const clustered = isClustered(clusters);
  const design = designEffect(clustered ? clusters : null, m);
  // clustered: the design's se; independent: the sample one (AlpacaEval's), unless every verdict
  // has the same score, where the sample SD of 0 would make the normal interval a point
  const se: Figure<number> =
    design.value !== null && (clustered || (design.value.degenerate && m.n >= 2))
      ? ok(Math.sqrt(design.value.variance))
      : clustered
        ? none(design.reason ?? 'no verdicts')
        : standardError(m);
  let ci: Figure<Interval>;
  let pValue: Figure<number>;
  const p = rate.value;
  if (method === 'bootstrap') {
    ({ ci, pValue } = clusteredBootstrap(clusters, opts.level, opts.rounds, opts.rng()));
  } else if (method === 'normal') {
    ci = waldInterval(p, se.value, opts.level);
    pValue =
      p === null || se.value === null ? none(ci.reason ?? '') : ok(waldTestPValue(p, se.value));
  } else {
    // cluster-Wilson asked for on unclustered verdicts: every verdict is its own item
    const d = method === 'cluster-wilson' && !clustered ? designEffect(clusters, m) : design;
    if (d.value === null || p === null) {
      const reason = d.reason ?? rate.reason ?? 'no verdicts';
      ci = none(reason);
      pValue = none(reason);
    } else {
      const { effectiveN, df } = d.value;
      if (method === 'exact') {
        ci = clopperPearsonInterval(p * effectiveN, effectiveN, opts.level);
        pValue = ok(exactTestPValue(p * effectiveN, effectiveN));
      } else if (method === 'agresti-coull') {
        if (clustered) {
          // on the design's n_eff at its critical value t
          ci = ok(agrestiCoullBounds(p, effectiveN, criticalValue(df, opts.level)));
          pValue = ok(agrestiCoullTestPValue(p, effectiveN, df));
        } else {
          // one verdict per item: c²/2 wins and losses added to the verdicts themselves, so ties
          // keep their own variance and no bound falls when a verdict improves
          ci = ok(agrestiCoullAddedBounds(m, zCritical(opts.level)));
          pValue = ok(agrestiCoullAddedTestPValue(m));
        }
      } else {
        const t = method === 'cluster-wilson';
        const crit = t ? criticalValue(df, opts.level) : zCritical(opts.level);
        ci = ok(wilsonBounds(p, effectiveN, crit));
        pValue = ok(scoreTestPValue(p, effectiveN, t ? df : Number.POSITIVE_INFINITY));
      }
    }
  }
  let items = 0;
  for (const c of clusters.counts) if (c > 0) items++;
  return {
    n: m.n,
    wins: m.wins,
    losses: m.losses,
    ties: m.ties,
    items,
    winRate: rate,
    se,
    ci,
    ciMethod: method,
    pValue,
    pTest: P_TEST[method],
  };
}
