import { none, ok, type Figure } from './figure.ts';
import type { ScoreMoments } from './moments.ts';

/** Mean score of a: (wins + ties/2)/n with ties half, wins/(wins + losses) with ties excluded. */
export function winRate(m: ScoreMoments): Figure<number> {
  if (m.n === 0) return none('no verdicts');
  return ok(m.sum / m.n);
}

/** Standard error of the mean per-verdict score: sample standard deviation (n − 1) over √n. */
export function standardError(m: ScoreMoments): Figure<number> {
  if (m.n < 2) return none('fewer than 2 verdicts');
  const mean = m.sum / m.n;
  const ss = Math.max(0, m.sumSq - m.n * mean * mean);
  return ok(Math.sqrt(ss / (m.n - 1) / m.n));
}
