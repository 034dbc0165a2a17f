import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../../shared/report.ts';
import { buildApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createDatabase } from '../../../server/db/client.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { runCli, type CliResult } from '../../helpers/processes.ts';

/** The CLI without a DATABASE_URL from the environment: the test names its PGlite folder. */
const cli = (args: string[]): Promise<CliResult> => runCli(args, { DATABASE_URL: undefined });

/**
 * `tracearena report --replay` (issue 16, item 5): a report recomputed from its study says
 * "identical"; after one more verdict it lists the figures that moved and the verdicts' hash.
 */
describe('tracearena report --replay', () => {
  let dir: string;
  let dataDir: string;
  let studyName: string;
  let studyId: string;
  let judges: Array<{ token: string }>;

  /** Opens the PGlite folder with the app, has `judge` give `count` verdicts, closes it again. */
  async function judge(judgeIndex: number, count: number): Promise<number> {
    const database = await createDatabase({ dataDir });
    const app = await buildApp({ database, logger: false, config: loadConfig({}) });
    let given = 0;
    try {
      const headers = { authorization: `Bearer ${judges[judgeIndex]!.token}` };
      while (given < count) {
        const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
        if (next.statusCode === 204) break;
        expect(next.statusCode, next.body).toBe(200);
        const { assignment } = next.json<{
          assignment: { id: string; item: { question: string } };
        }>();
        const item = Number(/Question (\d+)\?/.exec(assignment.item.question)![1]);
        const r = await app.inject({
          method: 'POST',
          url: `/api/judge/assignments/${assignment.id}/verdict`,
          headers,
          payload: { winner: item % 3 === 0 ? 'tie' : item % 3 === 1 ? 'left' : 'right' },
        });
        expect(r.statusCode, r.body).toBe(200);
        given++;
      }
    } finally {
      await app.close();
      // one process per PGlite folder: closed before the CLI opens it
      await database.close();
    }
    return given;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ta-replay-'));
    dataDir = join(dir, 'pglite-data');
    await mkdir(dataDir, { recursive: true });
    const database = await createDatabase({ dataDir });
    try {
      const study = await makePairedStudy(database.db, {
        items: 8,
        systems: ['sft', 'rl', 'base'],
        k: 2,
      });
      studyName = study.name;
      studyId = study.studyId;
      judges = await makeJudges(database.db, study.studyId, 2);
    } finally {
      await database.close();
    }
    // the first judge judges every comparison; the second judges later
    expect(await judge(0, Number.POSITIVE_INFINITY)).toBe(16);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const readReport = async (file: string): Promise<Report> =>
    reportSchema.parse(JSON.parse(await readFile(file, 'utf8')));

  it('says identical on the unchanged study, and lists the differing figures and hash after one more verdict', async () => {
    const out = join(dir, 'report.json');
    const made = await cli([
      'report',
      '--study',
      studyName,
      '--data',
      dataDir,
      '--rounds',
      '200',
      '--seed',
      '42',
      '--format',
      'json',
      '--out',
      out,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const report = await readReport(out);
    expect(report.provenance).toMatchObject({
      verdicts: { count: 16 },
      options: { rounds: 200, seed: 42, ci: 'auto', ties: 'half' },
      seed: 42,
      input: { study: { id: studyId, name: studyName } },
      planHash: null,
    });

    // the study named in the provenance, with its options and seed
    const same = await cli(['report', '--replay', out, '--data', dataDir]);
    expect(same.stderr).toBe('');
    expect(same.stdout).toBe('identical\n');
    expect(same.code).toBe(0);

    // one more verdict
    expect(await judge(1, 1)).toBe(1);
    const moved = await cli(['report', '--replay', out, '--data', dataDir]);
    expect(moved.code, moved.stderr).toBe(1);
    const lines = moved.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`differs: ${lines.length - 1} figures`);
    const byPath = new Map(
      lines.slice(1).map((l) => {
        const [path, change] = l.split(/: (.*)/s) as [string, string];
        return [path, change];
      }),
    );
    expect(byPath.get('input.verdicts')).toBe('16 -> 17');
    expect(byPath.get('provenance.verdicts.count')).toBe('16 -> 17');
    const newHash = /^"([0-9a-f]{64})" -> "([0-9a-f]{64})"$/.exec(
      byPath.get('provenance.verdicts.sha256') ?? '',
    );
    expect(newHash?.[1]).toBe(report.provenance!.verdicts.sha256);
    expect(newHash?.[2]).not.toBe(newHash?.[1]);
    // and the judged pair's own figures: one of its n, wins, losses or ties moved
    expect([...byPath.keys()].some((p) => /^pairs\[\d\]\.n$/.test(p))).toBe(true);

    // --study names the study; a report option beside --replay is refused
    const named = await cli(['report', '--replay', out, '--study', studyName, '--data', dataDir]);
    expect(named.stdout).toBe(moved.stdout);
    const refused = await cli(['report', '--replay', out, '--seed', '3', '--data', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^tracearena: option '--seed' cannot be used with --replay/);
  }, 240_000);

  it('replays a stats report from its files', async () => {
    const file = join(dir, 'judgments.jsonl');
    const record = (item: string, winner: string) =>
      JSON.stringify({
        item,
        a: 'sft',
        b: 'base',
        winner,
        judge: 'dr-lee',
        judge_kind: 'human',
        shown_left: 'a',
      });
    await writeFile(file, `${record('q1', 'a')}\n${record('q2', 'tie')}\n`);
    const out = join(dir, 'stats.json');
    const made = await cli(['stats', file, '--rounds', '50', '--format', 'json', '--out', out]);
    expect(made.code, made.stderr).toBe(0);
    expect((await readReport(out)).provenance?.input).toEqual({ files: [file] });
    const same = await cli(['stats', '--replay', out, file]);
    expect([same.code, same.stdout, same.stderr]).toEqual([0, 'identical\n', '']);
    await writeFile(file, `${record('q1', 'a')}\n${record('q2', 'b')}\n`);
    const moved = await cli(['stats', '--replay', out, file]);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toContain('pairs[0].ties: 1 -> 0');
    expect(moved.stdout).toMatch(
      /^provenance\.verdicts\.sha256: "[0-9a-f]{64}" -> "[0-9a-f]{64}"$/m,
    );
    // a study's replay of a files report says where to go
    const wrongVerb = await cli(['report', '--replay', out, '--data', dataDir]);
    expect(wrongVerb.code).toBe(2);
    expect(wrongVerb.stderr).toContain('use tracearena stats --replay');
  }, 120_000);
});
