import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stop, type CliResult } from '../../helpers/processes.ts';

/** The CLI on its own PGlite folder, without a DATABASE_URL from the environment. */
const cli = (args: string[]): Promise<CliResult> =>
  runCli([...args, '--data', data], { DATABASE_URL: undefined });

let dir: string;
let data: string;
const LINK = /^http:\/\/127\.0\.0\.1:8080\/judge#token=(ta_judge_[\w-]+)$/;

function links(r: CliResult): string[] {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(LINK);
  return lines;
}

/** A name already taken in the study: `invite --name` refuses it (exit 2). */
async function taken(name: string): Promise<boolean> {
  const r = await cli(['invite', '--study', 'bulk', '--name', name]);
  if (r.code === 0) return false;
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(`a judge named '${name}' already exists`);
  return true;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-invite-cli-'));
  data = join(dir, 'data');
  const file = join(dir, 'items.jsonl');
  const outputs = { a: { trace: 't', answer: 'x' }, b: { trace: 'u', answer: 'y' } };
  await writeFile(file, `${JSON.stringify({ id: 'q1', question: 'Q?', outputs })}\n`);
  const imported = await cli(['import', file, '--study', 'bulk']);
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tracearena invite, in bulk', () => {
  it('--count N prints N distinct links; a second run numbers on after the first', async () => {
    const first = links(await cli(['invite', '--study', 'bulk', '--count', '3']));
    expect(first).toHaveLength(3);
    const second = links(await cli(['invite', '--study', 'bulk', '--count', '2']));
    expect(second).toHaveLength(2);
    expect(new Set([...first, ...second]).size).toBe(5);
    for (const name of ['judge-1', 'judge-3', 'judge-5']) expect(await taken(name)).toBe(true);
  }, 120_000);

  it('--names FILE invites one judge per line, in order, blank lines skipped', async () => {
    const file = join(dir, 'names.txt');
    await writeFile(file, 'alice\n\n  bob \r\ncarol\n');
    expect(links(await cli(['invite', '--study', 'bulk', '--names', file]))).toHaveLength(3);
    for (const name of ['alice', 'bob', 'carol']) expect(await taken(name)).toBe(true);
  }, 120_000);

  it('all or nothing: a taken or repeated name exits 2 naming it, and no judge is created', async () => {
    const withTaken = join(dir, 'taken.txt');
    await writeFile(withTaken, 'dora\nalice\n');
    const r = await cli(['invite', '--study', 'bulk', '--names', withTaken]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("judges already in this study: 'alice'");

    const repeated = join(dir, 'repeated.txt');
    await writeFile(repeated, 'erin\nerin\n');
    const again = await cli(['invite', '--study', 'bulk', '--names', repeated]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("names given more than once: 'erin'");

    // neither dora nor erin was created by the refused runs
    expect(await taken('dora')).toBe(false);
    expect(await taken('erin')).toBe(false);
  }, 120_000);

  it('through the server holding the data folder: its address, numbered on after the others', async () => {
    const server = await startCli(
      ['serve', '--data', data, '--port', '0'],
      /listening on (http:\/\/\S+)/,
      { DATABASE_URL: undefined },
    );
    try {
      const base = server.match[1]!;
      const r = await cli(['invite', '--study', 'bulk', '--count', '2']);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).toMatch(new RegExp(`^${base}/judge#token=ta_judge_`));
      const again = await cli(['invite', '--study', 'bulk', '--name', 'judge-7']);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("a judge named 'judge-7' already exists");
    } finally {
      await stop(server.child);
    }
  }, 120_000);

  it("stores a judge's name trimmed, as the study's export and `stats` read it: ' carol ' is carol, taken", async () => {
    // names differing only in spaces were three judges in the study and one in `stats` on its export
    for (const name of [' carol ', 'carol ']) expect(await taken(name.trim())).toBe(true);
    const r = await cli(['invite', '--study', 'bulk', '--name', ' carol ']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a judge named 'carol' already exists");
  }, 60_000);

  it('refuses a blank name, __proto__ and control characters in one line, exit 2, inviting no one', async () => {
    const file = join(dir, 'bad-names.txt');
    await writeFile(file, 'dave\n__proto__\n');
    for (const [args, message] of [
      [['--name', '   '], '--name: "   ": expected a non-empty string'],
      [['--name', '__proto__'], `--name: "__proto__": a name other than '__proto__'`],
      [
        ['--name', 'dr\tlee'],
        '--name: "dr\\tlee": a name without control characters (U+0009 at 3)',
      ],
      [['--names', file], `${file}:2: "__proto__": a name other than '__proto__'`],
    ] as const) {
      const r = await cli(['invite', '--study', 'bulk', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim()).toBe(`tracearena: ${message}`);
    }
    // the file's good first line was not invited either
    expect(await taken('dave')).toBe(false);
  }, 60_000);

  it('takes exactly one of --name, --count and --names', async () => {
    for (const args of [[], ['--name', 'x', '--count', '2']]) {
      const r = await cli(['invite', '--study', 'bulk', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('give exactly one of --name, --count or --names');
    }
  }, 60_000);
});
