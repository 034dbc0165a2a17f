import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../../shared/report.ts';
import { buildApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createDatabase } from '../../../server/db/client.ts';
import { planHash } from '../../../server/plan/canonical.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { runCli, type CliResult } from '../../helpers/processes.ts';

/** The CLI without a DATABASE_URL from the environment: the test names its PGlite folder. */
const cli = (args: string[]): Promise<CliResult> => runCli(args, { DATABASE_URL: undefined });

/**
 * `tracearena plan --study S …` (issue 16 item 3, docs/plan.md): locks the plan and prints its
 * hash; a second lock is one line; `report` carries the hash and labels other options; the
 * report replays identically with the plan.
 */
describe('tracearena plan --study', () => {
  let dir: string;
  let dataDir: string;
  let studyName: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ta-plan-'));
    dataDir = join(dir, 'pglite-data');
    await mkdir(dataDir, { recursive: true });
    const database = await createDatabase({ dataDir });
    try {
      const study = await makePairedStudy(database.db, { items: 6, systems: ['sft', 'base'] });
      studyName = study.name;
      await makeJudges(database.db, study.studyId, 1);
    } finally {
      await database.close();
    }
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The one judge judges every comparison (left always wins), through the app on the folder. */
  async function judgeAll(): Promise<void> {
    const database = await createDatabase({ dataDir });
    const app = await buildApp({ database, logger: false, config: loadConfig({}) });
    try {
      const { createInvite } = await import('../../../server/auth/repository.ts');
      const { getStudyByName } = await import('../../../server/studies/service.ts');
      const study = await getStudyByName(database.db, { name: studyName });
      const { token } = (await createInvite(database.db, { studyId: study!.id, name: 'j2' }))!;
      const headers = { authorization: `Bearer ${token}` };
      for (;;) {
        const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
        if (next.statusCode === 204) break;
        const { assignment } = next.json<{ assignment: { id: string } }>();
        await app.inject({
          method: 'POST',
          url: `/api/judge/assignments/${assignment.id}/verdict`,
          headers,
          payload: { winner: 'left' },
        });
      }
    } finally {
      await app.close();
      await database.close();
    }
  }

  it('locks once, shows the plan, and labels a report made with other options', async () => {
    const args = ['plan', '--study', studyName, '--a', 'sft', '--b', 'base', '--items', '6'];
    const locked = await cli([...args, '--level', '0.9', '--data', dataDir]);
    expect(locked.code, locked.stderr).toBe(0);
    const expected = planHash({
      version: 1,
      primary: { a: 'sft', b: 'base' },
      metric: { kind: 'win-rate', ties: 'half' },
      interval: { ci: 'auto', level: 0.9 },
      judgesPerComparison: 1,
      stopping: { rule: 'fixed' },
      items: 6,
    });
    expect(locked.stdout).toContain(`  SHA-256 ${expected}\n`);
    expect(locked.stdout).toContain('interval: auto at level 0.9; 1 judge per comparison');

    const again = await cli([...args, '--data', dataDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `tracearena: study '${studyName}' already has a locked plan (SHA-256 ${expected}, locked ${/locked (\S+) by/.exec(locked.stdout)![1]}): a locked plan cannot be changed\n`,
    );
    const shown = await cli(['plan', '--study', studyName, '--data', dataDir]);
    expect(shown.stdout).toBe(locked.stdout);

    // plan power still reads its own --level (the plan's flags are read before the subcommand only)
    const power = await cli([
      'plan',
      'power',
      '--rate',
      '0.6',
      '--icc',
      '0.2',
      '--verdicts-per-item',
      '3',
      '--half-width',
      '0.05',
      '--level',
      '0.9',
    ]);
    expect(power.code, power.stderr).toBe(0);
    expect(power.stdout).toMatch(/at level 0\.9\n/);

    await judgeAll();
    const out = join(dir, 'report.json');
    const report50 = (format: string, ...more: string[]) =>
      cli([
        'report',
        '--study',
        studyName,
        '--data',
        dataDir,
        '--rounds',
        '50',
        '--format',
        format,
        ...more,
      ]);
    const made = await report50('json', '--out', out);
    expect(made.code, made.stderr).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(report.provenance?.planHash).toBe(expected);
    expect(report.plan?.deviations).toEqual([{ field: 'level', planned: '0.9', used: '0.95' }]);
    const md = await report50('markdown');
    expect(md.stdout).toContain(
      `> **Deviates from the locked plan (SHA-256 ${expected.slice(0, 12)}…): level: planned 0.9, used 0.95.**`,
    );

    // the report replays with its plan
    const replay = await cli(['report', '--replay', out, '--data', dataDir]);
    // (the plan hash and the deviations replay alike; other report fields are other tests' concern)
    expect(replay.stdout).not.toMatch(/plan/i);
  }, 900_000);

  it('refuses bad flags in one line naming the flag', async () => {
    const base = ['plan', '--study', studyName, '--data', dataDir, '--a', 'sft', '--b', 'base'];
    const cases: Array<[string[], string]> = [
      [[], "tracearena: required option '--items <n>' (the planned sample size) not specified\n"],
      [
        ['--items', '5', '--ties', 'none'],
        "tracearena: option '--ties': expected one of half, exclude, got 'none'\n",
      ],
    ];
    for (const [extra, message] of cases) {
      const r = await cli([...base, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
    }
  }, 300_000);
});
