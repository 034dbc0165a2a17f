/**
 * Per-verdict scores for system a (win 1, tie ½, loss 0; fractional for weighted annotators),
 * summarised by their moments. Everything about a pair's win rate derives from these.
 */
export type TiesMode = 'half' | 'exclude';

export interface ScoreMoments {
  /** Verdicts included (ties dropped when ties are excluded). */
  n: number;
  sum: number;
  sumSq: number;
  wins: number;
  losses: number;
  ties: number;
}

export function emptyMoments(): ScoreMoments {
  return { n: 0, sum: 0, sumSq: 0, wins: 0, losses: 0, ties: 0 };
}

/** A score of exactly ½ is a tie; above, a win for a; below, a loss. */
export function addScore(m: ScoreMoments, score: number, ties: TiesMode): void {
  if (score === 0.5) {
    m.ties++;
    if (ties === 'exclude') return;
  } else if (score > 0.5) m.wins++;
  else m.losses++;
  m.n++;
  m.sum += score;
  m.sumSq += score * score;
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
  return m;
}
