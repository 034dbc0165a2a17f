import { FileRecordError } from '../files/record-error.ts';
import { recordFields, typoNote, warnMisspeltFields } from './read-field-names.ts';
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
 * Arena-Hard-Auto judgments: `model_judgment/<judge>/<model>.jsonl`, one line per question and
 * model, judged against a baseline in two games: in game 1 the baseline's answer is Assistant A
 * (shown first) and the model's B, in game 2 they swap (gen_judgment.py). Each game is one LLM
 * verdict of the model (side a) against the baseline (side b), with the order it was shown in.
 * Arena-Hard v2 names the baseline (`baseline`) and the question (`uid`); v0.1 records name
 * neither baseline nor uid (`question_id`), so the baseline comes from the caller.
 */

/** Whether a file's first record is an Arena-Hard judgment. */
export function isArenaHardJudgment(o: FieldRecord): boolean {
  return 'games' in o && 'model' in o;
}

/**
 * Every label show_result.py reads, to the assistant it prefers. ">>" is a strong preference,
 * which Arena-Hard's own leaderboard counts three times; a verdict here is a win whatever its
 * strength (the verdict table has no strength), so win rates are of games, not of weighted games.
 */
const LABELS = new Map<string, 'A' | 'B' | 'tie'>([
  ['A>>B', 'A'],
  ['A>B', 'A'],
  ['A=B', 'tie'],
  ['B>A', 'B'],
  ['B>>A', 'B'],
  ['B<<A', 'A'],
  ['B<A', 'A'],
  ['B=A', 'tie'],
  ['A<B', 'B'],
  ['A<<B', 'B'],
]);
const LISTED = ['A>>B', 'A>B', 'A=B', 'B>A', 'B>>A'];

/** The fields read, and those of v2.0 that are ignored. */
const FIELDS = recordFields(
  ['model', 'baseline', 'games', 'uid', 'question_id', 'judge'],
  ['category'],
);

/** A record without a `judge` field (both versions write one). */
export const ARENA_HARD_JUDGE = 'arena-hard-judge';

/**
 * One record as its games' verdicts. A game without a verdict (null, or a null score: the judge's
 * answer had no label) is skipped with a warning, as show_result.py drops it. A single game (a
 * configuration with `pairwise: false`) is game 1 alone.
 */
export function addArenaHardJudgment(
  builder: VerdictTableBuilder,
  raw: unknown,
  file: string,
  line: number,
  defaultBaseline: string | undefined,
): void {
  const o = recordObject(raw, file, line);
  warnMisspeltFields(builder, o, FIELDS, file, line);
  const a = nameField(o, 'model', file, line, { fields: FIELDS });
  if ((o.baseline === undefined || o.baseline === null) && defaultBaseline === undefined)
    throw FileRecordError.field(
      file,
      line,
      'baseline',
      `missing${typoNote(o, 'baseline', FIELDS)}, and no --arena-hard-baseline given (Arena-Hard v0.1 records do not name their baseline: gpt-4-0314 for arena-hard-v0.1)`,
    );
  const b = nameField(o, 'baseline', file, line, { fallback: defaultBaseline });
  differentModels(b, a, ['baseline', 'model'], file, line);
  const games = o.games;
  if (!Array.isArray(games) || games.length < 1 || games.length > 2)
    throw FileRecordError.field(file, line, 'games', 'expected an array of one or two games');
  const item = itemOf(o, ['uid', 'question_id'], file, line);
  const judge = nameField(o, 'judge', file, line, { fallback: ARENA_HARD_JUDGE, key: true });
  for (const [k, game] of games.entries()) {
    const field = `games.${k}`;
    if (game !== null && (typeof game !== 'object' || Array.isArray(game)))
      throw FileRecordError.field(file, line, field, 'expected a game object or null');
    const score = game === null ? null : (game as FieldRecord).score;
    if (score === null || score === undefined) {
      builder.skip(
        `${file}:${line}: field '${field}.score': none (the judge gave no verdict), skipped`,
      );
      continue;
    }
    const preferred = labelField(score, LABELS, LISTED, `${field}.score`, file, line);
    // game 1: A is the baseline (side b); game 2: A is the model (side a)
    const modelIsA = k === 1;
    const winner = preferred === 'tie' ? 'tie' : (preferred === 'A') === modelIsA ? 'a' : 'b';
    builder.add({
      item,
      a,
      b,
      score: sideScore(winner),
      judge,
      judgeKind: 'llm',
      shownLeft: modelIsA ? 'a' : 'b',
    });
  }
}
