import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJudgmentsFiles } from '../../../server/reports/read-judgments.ts';
import type { VerdictTable } from '../../../server/reports/verdict-table.ts';

/**
 * The readers of public leaderboards' files (Chatbot Arena battles, MT-Bench and Arena-Hard
 * judgments): how a record becomes verdicts, how a file's format is told, and the one-line errors.
 * The figures of whole reports are checked through the CLI (test/integration/reports/leaderboards).
 */

const dir = mkdtempSync(join(tmpdir(), 'ta-leaderboards-'));
function file(name: string, records: unknown[], asArray = false): string {
  const path = join(dir, name);
  const text = asArray
    ? JSON.stringify(records)
    : records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(path, text);
  return path;
}

/** Each verdict as [item, a, b, a's score, judge, kind, shown left] in the table's orientation. */
function verdicts(
  t: VerdictTable,
): Array<[string, string, string, number, string, string, string]> {
  const items = new Map<number, string>();
  return Array.from({ length: t.length }, (_, i) => {
    const [a, b] = t.pairs[t.pair[i] as number] as [number, number];
    const item = t.item[i] as number;
    if (!items.has(item)) items.set(item, `#${items.size}`);
    return [
      items.get(item) as string,
      t.systems.names[a] as string,
      t.systems.names[b] as string,
      t.score[i] as number,
      t.judges.names[t.judge[i] as number] as string,
      t.judgeKind[i] === 1 ? 'llm' : 'human',
      ['a', 'b'][t.shownLeft[i] as number] ?? '?',
    ];
  });
}

const battle = (winner: string, extra: Record<string, unknown> = {}) => ({
  question_id: 'c1',
  model_a: 'gpt-4',
  model_b: 'claude-v1',
  winner,
  judge: 'arena_user_7',
  anony: true,
  language: 'English',
  ...extra,
});

describe('Chatbot Arena battles', () => {
  it('read model_a / model_b / tie / tie (bothbad) as human verdicts with model A shown left', async () => {
    const t = await readJudgmentsFiles([
      file('battles.jsonl', [
        battle('model_a'),
        battle('model_b', { question_id: 'c2' }),
        battle('tie', { question_id: 'c3' }),
        battle('tie (bothbad)', { question_id: 'c4', judge: undefined }),
      ]),
    ]);
    expect(verdicts(t)).toEqual([
      ['#0', 'gpt-4', 'claude-v1', 1, 'arena_user_7', 'human', 'a'],
      ['#1', 'gpt-4', 'claude-v1', 0, 'arena_user_7', 'human', 'a'],
      ['#2', 'gpt-4', 'claude-v1', 0.5, 'arena_user_7', 'human', 'a'],
      ['#3', 'gpt-4', 'claude-v1', 0.5, 'chatbot-arena', 'human', 'a'],
    ]);
  });

  it('make each battle without a question_id its own item, in JSON arrays too', async () => {
    const noId = { ...battle('model_a'), question_id: undefined };
    const t = await readJudgmentsFiles([file('battles.json', [noId, noId, noId], true)]);
    expect(t.length).toBe(3);
    expect(t.items.size).toBe(3);
  });

  it('refuse a winner outside the four, two equal models, and a later record of another format', async () => {
    const bad = file('bad-winner.jsonl', [battle('model_a'), battle('model_c')]);
    await expect(readJudgmentsFiles([bad])).rejects.toThrow(
      `${bad}:2: field 'winner': expected one of model_a, model_b, tie, tie (bothbad), got 'model_c'`,
    );
    const same = file('same.json', [battle('tie', { model_b: ' gpt-4 ' })], true);
    await expect(readJudgmentsFiles([same])).rejects.toThrow(
      `${same}:1: field 'model_b': the same model as 'model_a' ('gpt-4'): a comparison needs two`,
    );
    const mixed = file('mixed.jsonl', [
      battle('model_a'),
      { item: 'q', a: 'x', b: 'y', winner: 'a', judge: 'j', judge_kind: 'human', shown_left: 'a' },
    ]);
    await expect(readJudgmentsFiles([mixed])).rejects.toThrow(
      `${mixed}:2: field 'model_a': missing`,
    );
    const proto = file('proto.jsonl', [battle('model_a', { judge: '__proto__' })]);
    await expect(readJudgmentsFiles([proto])).rejects.toThrow(
      `${proto}:1: field 'judge': '__proto__' cannot be a name`,
    );
    const objectId = file('object-id.jsonl', [battle('model_a', { question_id: { id: 1 } })]);
    await expect(readJudgmentsFiles([objectId])).rejects.toThrow(
      `${objectId}:1: field 'question_id': expected a string or a number, got {"id":1}`,
    );
  });

  it('refuse a numeric question_id that is not a safe integer: JSON already lost its digits', async () => {
    // 12345678901234567890 and …891 parse to the same double: two battles became one item
    const big = join(dir, 'big-ids.jsonl');
    writeFileSync(
      big,
      '{"question_id":12345678901234567890,"model_a":"x","model_b":"y","winner":"model_a","judge":"u1"}\n' +
        '{"question_id":12345678901234567891,"model_a":"x","model_b":"y","winner":"model_b","judge":"u2"}\n',
    );
    await expect(readJudgmentsFiles([big])).rejects.toThrow(
      new RegExp(
        `^${big}:1: field 'question_id': 12345678901234567000 is not a safe integer \\(above 9007199254740991, a JSON number loses digits\\): write the id as a string$`,
      ),
    );
    const fraction = file('fraction-id.jsonl', [battle('model_a', { question_id: 81.5 })]);
    await expect(readJudgmentsFiles([fraction])).rejects.toThrow(
      `${fraction}:1: field 'question_id': 81.5 is not an integer: write the id as a string`,
    );
    // the largest safe integer, and the same id written as strings, are read
    const ok = file('safe-ids.jsonl', [
      battle('model_a', { question_id: Number.MAX_SAFE_INTEGER }),
      battle('model_b', { question_id: '12345678901234567890' }),
      battle('model_b', { question_id: '12345678901234567891' }),
    ]);
    expect((await readJudgmentsFiles([ok])).items.size).toBe(3);
  });

  it("read the MT-Bench human-judgments dataset's gpt4_pair split: 'tie (inconsistent)' is a tie, by an LLM, in no one order", async () => {
    const vote = (winner: string, judge: unknown, turn = 1) => ({
      question_id: 81,
      model_a: 'alpaca-13b',
      model_b: 'vicuna-13b',
      winner,
      judge,
      turn,
    });
    const t = await readJudgmentsFiles([
      file('gpt4_pair.jsonl', [
        vote('tie (inconsistent)', 'gpt4_pair'),
        vote('model_b', 'gpt4_pair', 2),
        // FastChat's own votefile names the judge [model, prompt], as its model_judgment files do
        vote('tie (inconsistent)', ['gpt-4', 'pair-v2']),
      ]),
      file('human-split.jsonl', [vote('model_a', 'expert_0'), vote('tie', 'author_2')]),
    ]);
    expect(verdicts(t)).toEqual([
      ['#0', 'alpaca-13b', 'vicuna-13b', 0.5, 'gpt4_pair', 'llm', '?'],
      ['#1', 'alpaca-13b', 'vicuna-13b', 0, 'gpt4_pair', 'llm', '?'],
      ['#0', 'alpaca-13b', 'vicuna-13b', 0.5, 'gpt-4 (pair-v2)', 'llm', '?'],
      ['#0', 'alpaca-13b', 'vicuna-13b', 1, 'expert_0', 'human', 'a'],
      ['#0', 'alpaca-13b', 'vicuna-13b', 0.5, 'author_2', 'human', 'a'],
    ]);
  });

  it('warn of a misspelt field, and name the likely typo of a missing one, as judgments files do', async () => {
    const typos = file('arena-typos.jsonl', [
      { model_a: 'x', model_b: 'y', winner: 'model_a', judg: 'u1', question_ID: 'q' },
      { model_a: 'x', model_b: 'y', winner: 'model_b', judg: 'u2', question_ID: 'r' },
    ]);
    const t = await readJudgmentsFiles([typos]);
    expect(t.warnings).toEqual([
      `${typos}:1: field 'judg' is not read (a typo of 'judge'?)`,
      `${typos}:1: field 'question_ID' is not read (a typo of 'question_id'?)`,
    ]);
    const winer = file('arena-winer.jsonl', [{ model_a: 'x', model_b: 'y', winer: 'model_a' }]);
    await expect(readJudgmentsFiles([winer])).rejects.toThrow(
      `${winer}:1: field 'winner': expected one of model_a, model_b, tie, tie (bothbad), got nothing (the record has 'winer': a typo?)`,
    );
    const modelB = file('arena-modelb.jsonl', [
      battle('tie'),
      { ...battle('tie'), model_b: undefined, modelb: 'y' },
    ]);
    await expect(readJudgmentsFiles([modelB])).rejects.toThrow(
      `${modelB}:2: field 'model_b': missing (the record has 'modelb': a typo?)`,
    );
    // the fields each format knows but ignores are not typos of anything
    const quiet = await readJudgmentsFiles([
      file('arena-known.jsonl', [battle('tie', { tstamp: 1, dedup_tag: {}, conversation_a: [] })]),
      file('mtbench-known.jsonl', [
        pair('tie', 'tie', { g1_judgment: '…', g2_judgment: '…', g1_user_prompt: '…', tstamp: 1 }),
      ]),
    ]);
    expect(quiet.warnings).toEqual([]);
    const mt = file('mtbench-typo.jsonl', [
      pair('tie', 'tie', { question_id: undefined, questionid: 81 }),
    ]);
    expect((await readJudgmentsFiles([mt])).warnings).toEqual([
      `${mt}:1: field 'questionid' is not read (a typo of 'question_id'?)`,
    ]);
    const hardTypo = file('hard-typo.jsonl', [
      { ...hard(['A>B', 'B>A']), baseline: undefined, baselin: 'gpt-4-0314' },
    ]);
    await expect(readJudgmentsFiles([hardTypo])).rejects.toThrow(
      `${hardTypo}:1: field 'baseline': missing (the record has 'baselin': a typo?), and no --arena-hard-baseline given`,
    );
  });

  it('leave a judgments file that happens to carry model_a a judgments file', async () => {
    const judgment = {
      item: 'q1',
      a: 'x',
      b: 'y',
      winner: 'a',
      judge: 'j',
      judge_kind: 'human',
      shown_left: 'b',
      model_a: 'x',
      model_b: 'y',
    };
    const t = await readJudgmentsFiles([file('judgments.jsonl', [judgment])]);
    expect(verdicts(t)).toEqual([['#0', 'x', 'y', 1, 'j', 'human', 'b']]);
  });
});

const pair = (g1: unknown, g2: unknown, extra: Record<string, unknown> = {}) => ({
  question_id: 81,
  model_1: 'gpt-4',
  model_2: 'vicuna-13b',
  g1_winner: g1,
  g2_winner: g2,
  judge: ['gpt-4', 'pair-v2'],
  turn: 1,
  ...extra,
});

describe('MT-Bench pairwise judgments', () => {
  it('read both games, g1 with model_1 shown first, g2 swapped, skipping an error game', async () => {
    const path = file('pair.jsonl', [
      pair('model_1', 'model_2'),
      pair('tie', 'error', { question_id: 82 }),
    ]);
    const t = await readJudgmentsFiles([path]);
    expect(verdicts(t)).toEqual([
      ['#0', 'gpt-4', 'vicuna-13b', 1, 'gpt-4 (pair-v2)', 'llm', 'a'],
      ['#0', 'gpt-4', 'vicuna-13b', 0, 'gpt-4 (pair-v2)', 'llm', 'b'],
      ['#1', 'gpt-4', 'vicuna-13b', 0.5, 'gpt-4 (pair-v2)', 'llm', 'a'],
    ]);
    expect(t.skipped).toBe(1);
    expect(t.warnings).toEqual([
      `${path}:2: field 'g2_winner': error (the judge gave no verdict), skipped`,
    ]);
  });

  it('meet the MT-Bench human votes (Arena-style records) on the same question and turn', async () => {
    const gpt4 = file('gpt4-pair.jsonl', [pair('model_1', 'model_1', { turn: 2 })]);
    const human = file('human.jsonl', [
      {
        question_id: 81,
        model_a: 'gpt-4',
        model_b: 'vicuna-13b',
        winner: 'model_a',
        judge: 'expert_0',
        turn: 2,
      },
      {
        question_id: 81,
        model_a: 'gpt-4',
        model_b: 'vicuna-13b',
        winner: 'model_a',
        judge: 'expert_0',
        turn: 1,
      },
    ]);
    const t = await readJudgmentsFiles([gpt4, human]);
    expect(verdicts(t).map((v) => [v[0], v[5]])).toEqual([
      ['#0', 'llm'],
      ['#0', 'llm'],
      ['#0', 'human'],
      ['#1', 'human'],
    ]);
  });

  it('read a single-grading record (m1_score) as one verdict in no order', async () => {
    const t = await readJudgmentsFiles([
      file('single.jsonl', [
        pair('model_2', 'model_2', { judge: ['gpt-4', 'single-v1'], m1_score: 3, m2_score: 8 }),
      ]),
    ]);
    expect(verdicts(t)).toEqual([
      ['#0', 'gpt-4', 'vicuna-13b', 0, 'gpt-4 (single-v1)', 'llm', '?'],
    ]);
  });

  it('refuse a missing or unknown game winner and a judge that is not [model, prompt]', async () => {
    const missing = file('missing.jsonl', [pair('model_1', 'tie'), pair('model_1', undefined)]);
    await expect(readJudgmentsFiles([missing])).rejects.toThrow(
      `${missing}:2: field 'g2_winner': expected one of model_1, model_2, tie, error, got nothing`,
    );
    const unknown = file('unknown.json', [pair('A', 'tie')], true);
    await expect(readJudgmentsFiles([unknown])).rejects.toThrow(
      `${unknown}:1: field 'g1_winner': expected one of model_1, model_2, tie, error, got 'A'`,
    );
    const judge = file('judge.jsonl', [pair('tie', 'tie', { judge: ['gpt-4', 7] })]);
    await expect(readJudgmentsFiles([judge])).rejects.toThrow(
      `${judge}:1: field 'judge.1': expected a string`,
    );
  });
});

const game = (score: unknown) => ({ user_prompt: '…', judgment: '…', score });
const hard = (scores: unknown[], extra: Record<string, unknown> = {}) => ({
  question_id: 'q1',
  model: 'my-model',
  judge: 'gpt-4-1106-preview',
  games: scores.map((s) => (s === null ? null : game(s))),
  ...extra,
});

describe('Arena-Hard judgments', () => {
  it('read game 1 with the baseline shown first and game 2 swapped, the baseline from the option', async () => {
    const t = await readJudgmentsFiles(
      [file('v01.jsonl', [hard(['B>>A', 'B>A']), hard(['A=B', 'B<A'], { question_id: 'q2' })])],
      { arenaHardBaseline: 'gpt-4-0314' },
    );
    expect(verdicts(t)).toEqual([
      ['#0', 'my-model', 'gpt-4-0314', 1, 'gpt-4-1106-preview', 'llm', 'b'],
      ['#0', 'my-model', 'gpt-4-0314', 0, 'gpt-4-1106-preview', 'llm', 'a'],
      ['#1', 'my-model', 'gpt-4-0314', 0.5, 'gpt-4-1106-preview', 'llm', 'b'],
      ['#1', 'my-model', 'gpt-4-0314', 1, 'gpt-4-1106-preview', 'llm', 'a'],
    ]);
  });

  it("take a record's own baseline (v2) over the option, and skip games without a verdict", async () => {
    const path = file('v2.jsonl', [
      hard([null, 'A<<B'], { uid: 'u1', question_id: undefined, baseline: 'o3-mini' }),
      { ...hard([]), baseline: 'o3-mini', games: [{ score: null }, game('A>B')] },
    ]);
    const t = await readJudgmentsFiles([path], { arenaHardBaseline: 'gpt-4-0314' });
    expect(verdicts(t)).toEqual([
      ['#0', 'my-model', 'o3-mini', 0, 'gpt-4-1106-preview', 'llm', 'a'],
      ['#1', 'my-model', 'o3-mini', 1, 'gpt-4-1106-preview', 'llm', 'a'],
    ]);
    expect(t.skipped).toBe(2);
    expect(t.warnings).toEqual([
      `${path}:1: field 'games.0.score': none (the judge gave no verdict), skipped`,
      `${path}:2: field 'games.0.score': none (the judge gave no verdict), skipped`,
    ]);
  });

  it('refuse a record without a baseline when no option gives one, an unknown label, and bad games', async () => {
    const v01 = file('no-baseline.jsonl', [hard(['A>B', 'B>A'])]);
    await expect(readJudgmentsFiles([v01])).rejects.toThrow(
      `${v01}:1: field 'baseline': missing, and no --arena-hard-baseline given (Arena-Hard v0.1 records do not name their baseline: gpt-4-0314 for arena-hard-v0.1)`,
    );
    const label = file('label.jsonl', [hard(['A>B', 'B>A']), hard(['A>B', 'A>>>B'])]);
    await expect(readJudgmentsFiles([label], { arenaHardBaseline: 'gpt-4-0314' })).rejects.toThrow(
      `${label}:2: field 'games.1.score': expected one of A>>B, A>B, A=B, B>A, B>>A, got 'A>>>B'`,
    );
    const three = file('three.jsonl', [hard(['A>B', 'B>A', 'A=B'])]);
    await expect(readJudgmentsFiles([three], { arenaHardBaseline: 'gpt-4-0314' })).rejects.toThrow(
      `${three}:1: field 'games': expected an array of one or two games`,
    );
    const self = file('self.jsonl', [hard(['A=B', 'A=B'], { baseline: 'my-model' })]);
    await expect(readJudgmentsFiles([self])).rejects.toThrow(
      `${self}:1: field 'model': the same model as 'baseline' ('my-model'): a comparison needs two`,
    );
  });
});
