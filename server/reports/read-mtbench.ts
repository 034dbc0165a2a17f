import { recordFields, warnMisspeltFields } from './read-field-names.ts';
import {
  differentModels,
  fastChatJudge,
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

/** The fields read, and those FastChat writes that are ignored (the judge's prompts and answers). */
const FIELDS = recordFields(
  [
    'question_id',
    'model_1',
    'model_2',
    'g1_winner',
    'g2_winner',
    'judge',
    'turn',
    'm1_score',
    'm2_score',
  ],
  ['g1_user_prompt', 'g1_judgment', 'g2_user_prompt', 'g2_judgment', 'tstamp'],
);

/** A record without a `judge` field (FastChat always writes one). */
export const MT_BENCH_JUDGE = 'mt-bench-judge';

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
  warnMisspeltFields(builder, o, FIELDS, file, line);
  const a = nameField(o, 'model_1', file, line, { fields: FIELDS });
  const b = nameField(o, 'model_2', file, line, { fields: FIELDS });
  differentModels(a, b, ['model_1', 'model_2'], file, line);
  const item = itemOf(o, ['question_id'], file, line);
  const judge = fastChatJudge(o, file, line, MT_BENCH_JUDGE).name;
  const games = 'm1_score' in o ? (['g1_winner'] as const) : (['g1_winner', 'g2_winner'] as const);
  for (const field of games) {
    const winner = labelField(o[field], WINNERS, [...WINNERS.keys()], field, file, line, {
      record: o,
      fields: FIELDS,
    });
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
