import { FileRecordError } from '../files/record-error.ts';
import {
  differentModels,
  itemOf,
  labelField,
  nameField,
  recordObject,
  type FieldRecord,
} from './read-leaderboard-fields.ts';
import { sideScore, type VerdictTableBuilder } from './verdict-table.ts';

/**
 * MT-Bench pairwise judgments: FastChat llm_judge's `model_judgment/gpt-4_pair.jsonl`, one line
 * per question, turn and pair of models, holding two games: in game 1 the judge saw model_1 as
 * Assistant A (first), in game 2 the answers swapped. Each game is one LLM verdict here, with the
 * order it was shown in, so the report's position-bias and swap-consistency figures see them.
 * (FastChat's own `show_result.py` folds the two into one: a win only when both agree, else a tie.)
 */

/** Whether a file's first record is an MT-Bench pairwise judgment. */
export function isMtBenchJudgment(o: FieldRecord): boolean {
  return 'g1_winner' in o || 'g2_winner' in o;
}

const WINNERS = new Map<string, 'a' | 'b' | 'tie' | null>([
  ['model_1', 'a'],
  ['model_2', 'b'],
  ['tie', 'tie'],
  // FastChat's mark for a judgment whose [[A]]/[[B]]/[[C]] could not be found: no verdict
  ['error', null],
]);

/** A record without a `judge` field (FastChat always writes one). */
export const MT_BENCH_JUDGE = 'mt-bench-judge';

/**
 * The judge: FastChat writes `[model, prompt]` (`["gpt-4", "pair-v2"]`), named here
 * `gpt-4 (pair-v2)`; the prompt is part of the judge, as a different prompt judges differently.
 */
function judgeOf(o: FieldRecord, file: string, line: number): string {
  const v = o.judge;
  if (!Array.isArray(v))
    return nameField(o, 'judge', file, line, { fallback: MT_BENCH_JUDGE, key: true });
  const parts = v.map((p, k) => nameField({ [`judge.${k}`]: p }, `judge.${k}`, file, line));
  const [model, ...prompt] = parts;
  if (model === undefined)
    throw FileRecordError.field(file, line, 'judge', 'expected [model, prompt], got []');
  const name = prompt.length === 0 ? model : `${model} (${prompt.join(', ')})`;
  if (name === '__proto__')
    throw FileRecordError.field(file, line, 'judge', "'__proto__' cannot be a name");
  return name;
}

/**
 * One record as its two games' verdicts of model_1 (side a) against model_2 (side b). A game the
 * judge failed (`error`) is skipped with a warning; the other game still counts. A record graded
 * by single-answer scores (`m1_score`: FastChat writes the one verdict into both games) is one
 * verdict, in no order.
 */
export function addMtBenchJudgment(
  builder: VerdictTableBuilder,
  raw: unknown,
  file: string,
  line: number,
): void {
  const o = recordObject(raw, file, line);
  const a = nameField(o, 'model_1', file, line);
  const b = nameField(o, 'model_2', file, line);
  differentModels(a, b, ['model_1', 'model_2'], file, line);
  const item = itemOf(o, ['question_id'], file, line);
  const judge = judgeOf(o, file, line);
  const games = 'm1_score' in o ? (['g1_winner'] as const) : (['g1_winner', 'g2_winner'] as const);
  for (const field of games) {
    const winner = labelField(o[field], WINNERS, [...WINNERS.keys()], field, file, line);
    if (winner === null) {
      builder.skip(`${file}:${line}: field '${field}': error (the judge gave no verdict), skipped`);
      continue;
    }
    builder.add({
      item,
      a,
      b,
      score: sideScore(winner),
      judge,
      judgeKind: 'llm',
      shownLeft: games.length === 1 ? undefined : field === 'g1_winner' ? 'a' : 'b',
    });
  }
}
