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
 * Chatbot Arena battles: the `clean_battle` records of the Arena's published notebook (and of
 * FastChat's `clean_battle_data.py`, which the MT-Bench human judgments share), one human vote
 * each: `model_a`, `model_b`, `winner`, and `question_id`, `judge`, `turn` when present. The rest
 * (`language`, `anony`, `tstamp`, conversations, tags) is not a verdict's fact and is ignored.
 */

/** Whether a file's first record is an Arena battle. */
export function isArenaBattle(o: FieldRecord): boolean {
  return 'model_a' in o && 'model_b' in o;
}

// 'tie (bothbad)' is the "both are bad" button: a tie, as the Arena's own ratings count it.
// 'tie (inconsistent)' is the MT-Bench human-judgments dataset's GPT-4 verdict whose two orders
// disagreed: a tie, as FastChat's compute_agreement.py counts every label with "tie" in it.
const WINNERS = new Map<string, 'a' | 'b' | 'tie'>([
  ['model_a', 'a'],
  ['model_b', 'b'],
  ['tie', 'tie'],
  ['tie (bothbad)', 'tie'],
  ['tie (inconsistent)', 'tie'],
]);

// the labels an error lists: the Arena's own (the dataset's GPT-4 label is read, not suggested)
const LISTED = ['model_a', 'model_b', 'tie', 'tie (bothbad)'];

/** The fields read, and those the Arena's and FastChat's files carry that are ignored. */
const FIELDS = recordFields(
  ['model_a', 'model_b', 'winner', 'question_id', 'judge', 'turn'],
  [
    'anony',
    'language',
    'tstamp',
    'dedup_tag',
    'conv_metadata',
    'category_tag',
    'conversation_a',
    'conversation_b',
    'is_code',
    'is_refusal',
    'openai_moderation',
    'toxic_chat_tag',
  ],
);

/** A vote without a `judge` field: votes are anonymous, so they are one judge. */
export const ARENA_JUDGE = 'chatbot-arena';

/**
 * The LLM judge of the MT-Bench human-judgments dataset (`lmsys/mt_bench_human_judgments`), whose
 * `gpt4_pair` split names it so; FastChat's own copy of those records names it `["gpt-4",
 * "pair-v2"]`, the `[model, prompt]` form FastChat gives only its LLM judges.
 */
export const MT_BENCH_GPT4_JUDGE = 'gpt4_pair';

/**
 * One battle as a verdict of model_a (side a) against model_b (side b). A human vote (every
 * Arena vote, and the MT-Bench human votes): Model A is the left-hand answer on the Arena's page
 * (its "leftvote" is recorded as `model_a`), so the order shown is known. An LLM verdict (the
 * judge `gpt4_pair`, or any `[model, prompt]` judge): GPT-4 judged the pair in both orders and
 * the record is their combined verdict (a disagreement is `tie (inconsistent)`), so it is shown in
 * no one order.
 */
export function addArenaBattle(
  builder: VerdictTableBuilder,
  raw: unknown,
  file: string,
  line: number,
): void {
  const o = recordObject(raw, file, line);
  warnMisspeltFields(builder, o, FIELDS, file, line);
  const a = nameField(o, 'model_a', file, line, { fields: FIELDS });
  const b = nameField(o, 'model_b', file, line, { fields: FIELDS });
  differentModels(a, b, ['model_a', 'model_b'], file, line);
  const winner = labelField(o.winner, WINNERS, LISTED, 'winner', file, line, {
    record: o,
    fields: FIELDS,
  });
  const judge = fastChatJudge(o, file, line, ARENA_JUDGE);
  const llm = judge.modelAndPrompt || judge.name === MT_BENCH_GPT4_JUDGE;
  builder.add({
    item: itemOf(o, ['question_id'], file, line),
    a,
    b,
    score: sideScore(winner),
    judge: judge.name,
    judgeKind: llm ? 'llm' : 'human',
    shownLeft: llm ? undefined : 'a',
  });
}
