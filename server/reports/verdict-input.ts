import type { Judgment } from '../../shared/judgments.ts';
import { styleCounts, type StyleCounts } from '../stats/style-control.ts';
import { sideScore, type VerdictInput } from './verdict-table.ts';

/**
 * The facts of one verdict a report reads, named as judgments records name them. A checked
 * record of a judgments file (`stats`) and a verdict row of the database (`report --study`, the
 * read model's verdictRows) both have them, so both enter the verdict table through this one door.
 * The database has null for no modality; a file, an absent field ('' is refused in files).
 */
export type VerdictFacts = Pick<
  Judgment,
  'item' | 'a' | 'b' | 'winner' | 'judge' | 'judge_kind' | 'shown_left' | 'axes' | 'len_a' | 'len_b'
> &
  Partial<Pick<Judgment, 'style_a' | 'style_b' | 'output_a' | 'output_b'>> & {
    modality?: string | null;
  };

/** A side's style counts: the explicit ones, else counted from its output's text, else none. */
function sideStyle(counts: StyleCounts | undefined, text: string | undefined) {
  return counts ?? (text === undefined ? undefined : styleCounts(text));
}

export function toVerdictInput(j: VerdictFacts): VerdictInput {
  const v: VerdictInput = {
    item: j.item,
    a: j.a,
    b: j.b,
    score: sideScore(j.winner),
    judge: j.judge,
    judgeKind: j.judge_kind,
    shownLeft: j.shown_left,
    modality: j.modality || undefined,
    lenA: j.len_a,
    lenB: j.len_b,
  };
  const styleA = sideStyle(j.style_a, j.output_a);
  const styleB = sideStyle(j.style_b, j.output_b);
  if (styleA && styleB) {
    v.styleA = styleA;
    v.styleB = styleB;
  }
  if (j.axes) {
    const axes: Record<string, number> = {};
    // for…in: no array of entries per verdict (records and rows are plain objects, inheriting none)
    for (const name in j.axes) axes[name] = sideScore(j.axes[name] as 'a' | 'b' | 'tie');
    v.axes = axes;
  }
  return v;
}
