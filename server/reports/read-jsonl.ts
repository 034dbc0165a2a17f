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

const SIDES = new Set(['a', 'b', 'tie']);
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** A name that is a key of the report: `__proto__` goes to zod, which refuses it. */
const isKeyName = (v: unknown): v is string => isName(v) && v !== '__proto__';
const isCount = (v: unknown) =>
  v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

/**
 * A plain-JavaScript check of the common, valid record: it accepts only what judgmentSchema
 * accepts (a strict subset), so a million lines do not pay zod's cost; anything else goes through
 * zod, which produces the error message.
 */
function fastJudgment(r: unknown): Judgment | null {
  if (typeof r !== 'object' || r === null) return null;
  const o = r as Record<string, unknown>;
  if (!isName(o.item) || !isName(o.a) || !isName(o.b) || o.a === o.b || !isKeyName(o.judge))
    return null;
  if (typeof o.winner !== 'string' || !SIDES.has(o.winner)) return null;
  if (o.judge_kind !== 'human' && o.judge_kind !== 'llm') return null;
  if (o.shown_left !== 'a' && o.shown_left !== 'b') return null;
  if (o.modality !== undefined && !isKeyName(o.modality)) return null;
  if (!isCount(o.len_a) || !isCount(o.len_b)) return null;
  if (o.strength !== undefined && o.strength !== 1 && o.strength !== 2) return null;
  if (o.axes !== undefined) {
    if (typeof o.axes !== 'object' || o.axes === null || Array.isArray(o.axes)) return null;
    for (const [k, v] of Object.entries(o.axes))
      if (!isKeyName(k) || typeof v !== 'string' || !SIDES.has(v)) return null;
  }
  return o as Judgment;
}

/** Validates one parsed record and adds it; throws `FILE:LINE: field 'x': reason`. */
export function addJudgmentRecord(
  builder: VerdictTableBuilder,
  record: unknown,
  file: string,
  line: number,
): void {
  const fast = fastJudgment(record);
  if (fast) {
    builder.add(judgmentToVerdict(fast));
    return;
  }
  // zod skips a `__proto__` key of a record without a word: refuse it here
  const axes = (record as { axes?: unknown } | null)?.axes;
  if (typeof axes === 'object' && axes !== null && Object.hasOwn(axes, '__proto__'))
    throw new JudgmentsFileError(file, line, 'axes.__proto__', "'__proto__' cannot be a name");
  const parsed = judgmentSchema.safeParse(record);
  if (!parsed.success) throw fromZodError(file, line, parsed.error);
  builder.add(judgmentToVerdict(parsed.data));
}

/** Streams a JSONL judgments file line by line into the builder (memory does not grow per line). */
export async function readJsonl(
  file: string,
  builder: VerdictTableBuilder,
  displayName = file,
  onBytes?: (bytesRead: number) => void,
): Promise<number> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
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
      throw new JudgmentsFileError(
        displayName,
        line,
        '(line)',
        `invalid JSON: ${(err as Error).message}`,
      );
    }
    addJudgmentRecord(builder, record, displayName, line);
    records++;
    if (onBytes && (records & 16383) === 0) onBytes(input.bytesRead);
  }
  onBytes?.(input.bytesRead);
  return records;
}
