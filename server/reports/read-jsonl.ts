import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { judgmentSchema, type Judgment } from '../../shared/judgments.ts';
import { fromZodError, JudgmentsFileError } from './read-errors.ts';
import { sideScore, type VerdictInput, type VerdictTableBuilder } from './verdict-table.ts';

export function judgmentToVerdict(j: Judgment): VerdictInput {
  const v: VerdictInput = {
    item: j.item,
    a: j.a,
    b: j.b,
    score: sideScore(j.winner),
    judge: j.judge,
    judgeKind: j.judge_kind,
    shownLeft: j.shown_left,
    modality: j.modality,
    lenA: j.len_a,
    lenB: j.len_b,
  };
  if (j.axes) {
    const axes: Record<string, number> = {};
    for (const [name, side] of Object.entries(j.axes)) axes[name] = sideScore(side);
    v.axes = axes;
  }
  return v;
}

/** Validates one parsed record and adds it; throws `FILE:LINE: field 'x': reason`. */
export function addJudgmentRecord(builder: VerdictTableBuilder, record: unknown, file: string, line: number): void {
  const parsed = judgmentSchema.safeParse(record);
  if (!parsed.success) throw fromZodError(file, line, parsed.error);
  builder.add(judgmentToVerdict(parsed.data));
}

/** Streams a JSONL judgments file line by line into the builder (memory does not grow per line). */
export async function readJsonl(file: string, builder: VerdictTableBuilder, displayName = file): Promise<number> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let records = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      rl.close();
      throw new JudgmentsFileError(displayName, line, '(line)', `invalid JSON: ${(err as Error).message}`);
    }
    addJudgmentRecord(builder, record, displayName, line);
    records++;
  }
  return records;
}
