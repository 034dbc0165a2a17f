/**
 * Per-verdict scores for system a (win 1, tie ½, loss 0; fractional for weighted annotators),
 * summarised by their moments. Everything about a pair's win rate derives from these.
 *
 * Every figure of a row describes one quantity, a ratio Σ numerator / Σ weight over verdicts
 * (docs/statistics.md, "Ties and fractional scores"):
 * - ties half: numerator = score, weight 1, so the rate is the mean score;
 * - ties excluded: a score s is read as a mix of a win (or loss) and a tie, the one with the least
 *   variance: s ≥ ½ is a win with mass 2s − 1 and a tie with the rest, s < ½ a loss with mass
 *   1 − 2s. The tie part is dropped: numerator = win mass, weight = win + loss mass = |2s − 1|,
 *   and the rate is Σ win mass / Σ decisive mass. For scores 0, ½ and 1 this is wins/(wins + losses).
 */
export type TiesMode = 'half' | 'exclude';

export interface ScoreMoments {
  /** Verdicts included (with a positive weight: exact ties are dropped when ties are excluded). */
  n: number;
  /** Σ numerator. */
  sum: number;
  /** Σ numerator². */
  sumSq: number;
  /** Σ weight (n when ties count half). */
  weight: number;
  /** Σ weight². */
  weightSq: number;
  /** Σ numerator · weight. */
  cross: number;
  /**
   * Σ |2s − 1|: the decisive mass of the included verdicts (wins + losses for whole verdicts; the
   * weight when ties are excluded). The minority cap's share of decisive verdicts is decisive/weight.
   */
  decisive: number;
  /** Verdicts leaning to a (score > ½), to b (< ½), and exact ties, whatever the mode. */
  wins: number;
  losses: number;
  ties: number;
}

export function emptyMoments(): ScoreMoments {
  return {
    n: 0,
    sum: 0,
    sumSq: 0,
    weight: 0,
    weightSq: 0,
    cross: 0,
    decisive: 0,
    wins: 0,
    losses: 0,
    ties: 0,
  };
}

/** The numerator of a verdict of score `score` (see the file comment). */
export function scoreNumerator(score: number, ties: TiesMode): number {
  return ties === 'half' ? score : Math.max(0, 2 * score - 1);
}

/** The weight of a verdict of score `score`: 1, or its decisive mass |2s − 1| with ties excluded. */
export function scoreWeight(score: number, ties: TiesMode): number {
  return ties === 'half' ? 1 : Math.abs(2 * score - 1);
}

/**
 * The outcome a verdict of weight scoreWeight(score, ties) stands for: its score with ties half;
 * with ties excluded, its decisive part, a win (1) or a loss (0). numerator = weight × outcome.
 */
export function scoreOutcome(score: number, ties: TiesMode): number {
  return ties === 'half' ? score : score > 0.5 ? 1 : 0;
}

/**
 * Counts a verdict in its item's leaning tallies (bootstrap.ts ClusterScores.towardA/towardB): a
 * score above ½ leans to a, one below to b, an exact tie to neither.
 */
export function addLean(
  towardA: Float64Array,
  towardB: Float64Array,
  item: number,
  score: number,
): void {
  if (score > 0.5) towardA[item] = (towardA[item] as number) + 1;
  else if (score < 0.5) towardB[item] = (towardB[item] as number) + 1;
}

/** A score of exactly ½ is a tie; above, a win for a; below, a loss. */
export function addScore(m: ScoreMoments, score: number, ties: TiesMode): void {
  if (score === 0.5) m.ties++;
  else if (score > 0.5) m.wins++;
  else m.losses++;
  const w = scoreWeight(score, ties);
  if (w === 0) return;
  const x = scoreNumerator(score, ties);
  m.n++;
  m.sum += x;
  m.sumSq += x * x;
  m.weight += w;
  m.weightSq += w * w;
  m.cross += x * w;
  m.decisive += Math.abs(2 * score - 1);
}

export function momentsFromCounts(
  wins: number,
  losses: number,
  ties: number,
  mode: TiesMode,
): ScoreMoments {
  const m = emptyMoments();
  m.wins = wins;
  m.losses = losses;
  m.ties = ties;
  const t = mode === 'half' ? ties : 0;
  m.n = wins + losses + t;
  m.sum = wins + t / 2;
  m.sumSq = wins + t / 4;
  m.weight = m.n;
  m.weightSq = m.n;
  m.cross = m.sum;
  m.decisive = wins + losses;
  return m;
}
