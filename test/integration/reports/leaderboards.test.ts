import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../../shared/report.ts';
import { runCli, type CliResult } from '../../helpers/processes.ts';

/**
 * `tracearena stats` on public leaderboards' files, written from the formats' public definitions
 * (test/fixtures/leaderboards/): a Chatbot Arena clean_battle array, FastChat's MT-Bench
 * gpt-4_pair.jsonl, Arena-Hard-Auto v0.1 and v2.0 judgments. Every expected figure below is
 * counted by hand from the fixture, record by record, in the comments.
 */

const fixture = (name: string) =>
  new URL(`../../fixtures/leaderboards/${name}`, import.meta.url).pathname;
const cli = (args: string[]): Promise<CliResult> => runCli(args, { DATABASE_URL: undefined });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-leaderboards-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `stats FILES… --format json`, exit 0 and nothing on stdout; the report, checked by its schema. */
async function stats(
  files: string[],
  extra: string[] = [],
): Promise<CliResult & { report: Report }> {
  const out = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  const r = await cli(['stats', ...files, '--format', 'json', '--out', out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  return { ...r, report: reportSchema.parse(JSON.parse(await readFile(out, 'utf8'))) };
}

/** [a, b, n, wins, losses, ties, win rate] of each pair, in the report's order. */
const counts = (report: Report) =>
  report.pairs.map((p) => [p.a, p.b, p.n, p.wins, p.losses, p.ties, p.winRate]);

/** One line on stderr, `tracearena: ` and exactly `message`; exit 2. */
function expectError(r: CliResult, message: string) {
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`tracearena: ${message}\n`);
}

describe('tracearena stats on leaderboard files (CLI)', () => {
  it('reads Chatbot Arena battles: human votes, model A shown left, tie (bothbad) a tie', async () => {
    const { report } = await stats([fixture('arena-battles.json')]);
    expect(report.input).toMatchObject({
      verdicts: 8,
      items: 8, // seven question_ids and one battle without: its own item
      judges: 4, // arena_user_1..3 and 'chatbot-arena' for the vote without a judge
      skipped: 0,
    });
    expect(counts(report)).toEqual([
      // b1 gpt-4 (A) wins; b2 gpt-4 (B) wins; b3 tie; b4 tie (bothbad); b5 claude-v1 (B) wins
      ['gpt-4', 'claude-v1', 5, 2, 1, 2, (2 + 2 / 2) / 5],
      // b6 gpt-4 (B) wins; the id-less battle vicuna (A) wins; b8 gpt-4 (A) wins
      ['vicuna-13b', 'gpt-4', 3, 1, 2, 0, 1 / 3],
    ]);
    expect(Object.keys(report.pairs[0]!.byJudgeKind)).toEqual(['human']);
    // left (model A) won b1, b7, b8; right won b2, b5, b6; b3 and b4 ties
    expect(report.bias.position).toMatchObject({ leftWins: 3, rightWins: 3, ties: 2 });
  });

  it('reads MT-Bench pairwise judgments: two games per record, g1 model_1 first, an error game skipped', async () => {
    const path = fixture('mt-bench-gpt-4_pair.jsonl');
    const { report, stderr } = await stats([path]);
    expect(report.input).toMatchObject({
      verdicts: 9, // five records × two games, less q83's error game
      items: 5, // 81 turn 1, 82, 81 turn 2, 83, 84
      judges: 2, // gpt-4 (pair-v2), gpt-4 (pair-v2-multi-turn)
      skipped: 1,
      warnings: [`${path}:4: field 'g2_winner': error (the judge gave no verdict), skipped`],
    });
    expect(stderr).toBe(
      `warning: ${path}:4: field 'g2_winner': error (the judge gave no verdict), skipped\n`,
    );
    expect(counts(report)).toEqual([
      // q81: W W; q82: W L; q81 turn 2: T W; q83 (gpt-4 as model_2): W
      ['gpt-4', 'vicuna-13b-v1.2', 7, 5, 1, 1, (5 + 1 / 2) / 7],
      // q84: llama-13b wins both games
      ['gpt-4', 'llama-13b', 2, 0, 2, 0, 0],
    ]);
    expect(Object.keys(report.pairs[0]!.byJudgeKind)).toEqual(['llm']);
    // left won q81 g1, q82 g1, q82 g2, q84 g2; right won q81 g2, q81t2 g2, q83 g1, q84 g1
    expect(report.bias.position).toMatchObject({ leftWins: 4, rightWins: 4, ties: 1 });
    // both orders: q81 and q84 agree with themselves, q82 and q81 turn 2 do not
    expect(report.bias.position.swap).toMatchObject({ pairs: 4, consistent: 2 });
  });

  it('reads Arena-Hard v0.1 judgments against --arena-hard-baseline, and v2.0 against their own', async () => {
    const v01 = fixture('arena-hard-v0.1-my-model.jsonl');
    const [old, v2] = await Promise.all([
      stats([v01], ['--arena-hard-baseline', 'gpt-4-0314']),
      stats([fixture('arena-hard-v2.0-my-model.jsonl')]),
    ]);
    expect(old.report.input).toMatchObject({ verdicts: 9, items: 5, judges: 1, skipped: 1 });
    expect(counts(old.report)).toEqual([
      // game 1 (baseline is A) / game 2 (my-model is A): B>A W / A>B W; A>>B L / B>>A L;
      // A=B T / B>A L; B>>A W / none; A<B W / B<A W
      ['my-model', 'gpt-4-0314', 9, 5, 3, 1, (5 + 1 / 2) / 9],
    ]);
    expect(old.report.bias.position).toMatchObject({ leftWins: 3, rightWins: 5, ties: 1 });
    expect(old.report.bias.position.swap).toMatchObject({ pairs: 4, consistent: 3 });
    // A>B L / A>>B W; none / B=A T
    expect(counts(v2.report)).toEqual([['my-model', 'o3-mini-2025-01-31', 3, 1, 1, 1, 0.5]]);
  });

  it('records --arena-hard-baseline in the provenance, and --replay reads the files with it', async () => {
    const v01 = fixture('arena-hard-v0.1-my-model.jsonl');
    const out = join(dir, 'arena-hard-v01.json');
    const made = await cli([
      'stats',
      v01,
      '--arena-hard-baseline',
      'gpt-4-0314',
      '--format',
      'json',
      '--out',
      out,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(report.provenance?.input).toEqual({ files: [v01], arenaHardBaseline: 'gpt-4-0314' });
    // it said "field 'baseline': missing, and no --arena-hard-baseline given" (exit 2)
    const [replayed, repeated, changed] = await Promise.all([
      cli(['stats', '--replay', out, v01]),
      cli(['stats', '--replay', out, v01, '--arena-hard-baseline', 'gpt-4-0314']),
      cli(['stats', '--replay', out, v01, '--arena-hard-baseline', 'gpt-4o']),
    ]);
    expect([replayed.code, replayed.stdout], replayed.stderr).toEqual([0, 'identical\n']);
    expect([repeated.code, repeated.stdout], repeated.stderr).toEqual([0, 'identical\n']);
    expectError(
      changed,
      "option '--arena-hard-baseline': the report was made with 'gpt-4-0314', not 'gpt-4o' (a replay reads the files as the report did; leave the option out)",
    );
    // a file that names its own baseline records none
    const { report: v2 } = await stats([fixture('arena-hard-v2.0-my-model.jsonl')]);
    expect(v2.provenance?.input).toEqual({ files: [fixture('arena-hard-v2.0-my-model.jsonl')] });
  });

  it('puts a study of its own beside a leaderboard in one report', async () => {
    const own = join(dir, 'own.jsonl');
    const mine = (item: string, winner: string) =>
      JSON.stringify({
        item,
        a: 'gpt-4',
        b: 'claude-v1',
        winner,
        judge: 'dr-lee',
        judge_kind: 'human',
        shown_left: 'b',
      });
    await writeFile(own, [mine('t1', 'a'), mine('t2', 'b'), mine('t3', 'a')].join('\n') + '\n');
    const { report } = await stats([own, fixture('arena-battles.json')]);
    expect(report.input).toMatchObject({ verdicts: 11, judges: 5 });
    // own: 2 wins, 1 loss; Arena: 2 wins, 1 loss, 2 ties
    expect(counts(report)[0]).toEqual(['gpt-4', 'claude-v1', 8, 4, 2, 2, 5 / 8]);
    expect(Object.keys(report.pairs[0]!.byJudge).sort()).toEqual([
      'arena_user_1',
      'arena_user_2',
      'arena_user_3',
      'dr-lee',
    ]);
  });

  it('refuses a bad record of each format with one line naming file, line and field, exit 2', async () => {
    const arena = join(dir, 'battles.jsonl');
    await writeFile(
      arena,
      [
        { model_a: 'gpt-4', model_b: 'claude-v1', winner: 'model_a' },
        { model_a: 'gpt-4', model_b: 'claude-v1', winner: 'model_c' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const mt = join(dir, 'gpt-4_pair.jsonl');
    await writeFile(
      mt,
      JSON.stringify({
        question_id: 81,
        model_1: 'gpt-4',
        model_2: 'vicuna-13b',
        g1_winner: 'model_1',
        g2_winner: 'model_3',
        judge: ['gpt-4', 'pair-v2'],
        turn: 1,
      }) + '\n',
    );
    const v01 = fixture('arena-hard-v0.1-my-model.jsonl');
    const [a, m, h, blank] = await Promise.all([
      cli(['stats', arena, '--format', 'json']),
      cli(['stats', mt, '--format', 'json']),
      cli(['stats', v01, '--format', 'json']),
      cli(['stats', v01, '--format', 'json', '--arena-hard-baseline', ' ']),
    ]);
    expectError(
      a,
      `${arena}:2: field 'winner': expected one of model_a, model_b, tie, tie (bothbad), got 'model_c'`,
    );
    expectError(
      m,
      `${mt}:1: field 'g2_winner': expected one of model_1, model_2, tie, error, got 'model_3'`,
    );
    expectError(
      h,
      `${v01}:1: field 'baseline': missing, and no --arena-hard-baseline given (Arena-Hard v0.1 records do not name their baseline: gpt-4-0314 for arena-hard-v0.1)`,
    );
    expectError(blank, `option '--arena-hard-baseline': expected a non-empty name, got ' '`);
  });
});
