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
 * Chatbot Arena battles: the `clean_battle` records of the Arena's published notebook (and of
 * FastChat's `clean_battle_data.py`, which the MT-Bench human judgments share), one human vote
 * each: `model_a`, `model_b`, `winner`, and `question_id`, `judge`, `turn` when present. The rest
 * (`language`, `anony`, `tstamp`, conversations, tags) is not a verdict's fact and is ignored.
 */

/** Whether a file's first record is an Arena battle. */
export function isArenaBattle(o: FieldRecord): boolean {
  return 'model_a' in o && 'model_b' in o;
}

// 'tie (bothbad)' is the "both are bad" button: a tie, as the Arena's own ratings count it
const WINNERS = new Map<string, 'a' | 'b' | 'tie'>([
  ['model_a', 'a'],
  ['model_b', 'b'],
  ['tie', 'tie'],
  ['tie (bothbad)', 'tie'],
]);

/** A vote without a `judge` field: votes are anonymous, so they are one judge. */
export const ARENA_JUDGE = 'chatbot-arena';

/**
 * One battle as a human verdict of model_a (side a) against model_b (side b). Model A is the
 * left-hand answer on the Arena's page (its "leftvote" is recorded as `model_a`), so the order
 * shown is known.
 */
export function addArenaBattle(
  builder: VerdictTableBuilder,
  raw: unknown,
  file: string,
  line: number,
): void {
  const o = recordObject(raw, file, line);
  const a = nameField(o, 'model_a', file, line);
  const b = nameField(o, 'model_b', file, line);
  differentModels(a, b, ['model_a', 'model_b'], file, line);
  const winner = labelField(o.winner, WINNERS, [...WINNERS.keys()], 'winner', file, line);
  builder.add({
    item: itemOf(o, ['question_id'], file, line),
    a,
    b,
    score: sideScore(winner),
    judge: nameField(o, 'judge', file, line, { fallback: ARENA_JUDGE, key: true }),
    judgeKind: 'human',
    shownLeft: 'a',
  });
}
