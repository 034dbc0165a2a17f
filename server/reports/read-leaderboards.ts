import { addArenaBattle, isArenaBattle } from './read-arena.ts';
import { addArenaHardJudgment, isArenaHardJudgment } from './read-arena-hard.ts';
import { addMtBenchJudgment, isMtBenchJudgment } from './read-mtbench.ts';
import type { FieldRecord } from './read-leaderboard-fields.ts';
import type { VerdictTableBuilder } from './verdict-table.ts';

/** Adds one record of a file to the table, or throws `FILE:LINE: field 'x': reason`. */
export type RecordReader = (
  builder: VerdictTableBuilder,
  record: unknown,
  file: string,
  line: number,
) => void;

export interface LeaderboardOptions {
  /** The baseline of Arena-Hard records that do not name one (v0.1). */
  arenaHardBaseline?: string;
}

/**
 * The reader of a file whose first record is a public leaderboard's (a Chatbot Arena battle, an
 * MT-Bench or an Arena-Hard judgment), or null for a judgments or AlpacaEval file. The first
 * record decides for the whole file, so a later record that lacks its format's fields is refused
 * naming them, rather than read as another format. A record with a judgments record's `a` or an
 * AlpacaEval `generator_1` is never a leaderboard's, whatever else it carries.
 */
export function leaderboardReader(
  first: unknown,
  options: LeaderboardOptions,
): RecordReader | null {
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return null;
  const o = first as FieldRecord;
  if ('a' in o || 'generator_1' in o) return null;
  if (isArenaHardJudgment(o))
    return (builder, record, file, line) =>
      addArenaHardJudgment(builder, record, file, line, options.arenaHardBaseline);
  if (isMtBenchJudgment(o)) return addMtBenchJudgment;
  if (isArenaBattle(o)) return addArenaBattle;
  return null;
}
