import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgv, repoRoot } from '../../helpers/processes.ts';
import { makeJudgment } from '../../unit/reports/factories.ts';

describe('tracearena stats into a pipe its reader closes early', () => {
  it('ends quietly, as `stats f.jsonl | head` expects, with no EPIPE trace', async () => {
    // 30 systems: 435 pairs, a report far larger than a pipe's buffer
    const dir = mkdtempSync(join(tmpdir(), 'ta-pipe-'));
    const file = join(dir, 'many.jsonl');
    const lines: string[] = [];
    for (let a = 0; a < 30; a++)
      for (let b = a + 1; b < 30; b++)
        for (let i = 0; i < 3; i++)
          lines.push(
            JSON.stringify({
              item: `q${i}`,
              a: `s${a}`,
              b: `s${b}`,
              winner: i === 0 ? 'b' : 'a',
              judge: 'j',
              judge_kind: 'human',
              shown_left: 'a',
            }),
          );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, cliArgv(['stats', file, '--format', 'json']), {
        cwd: repoRoot,
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // the reader takes the first chunk and goes away
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(result.code).toBe(0);
  });
});

describe('tracearena stats reading a pipe', () => {
  const record = (item: string, winner: 'a' | 'b') =>
    JSON.stringify(makeJudgment({ item, winner, judge: 'j' }));
  const fromStdin = (args: string[], input: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, cliArgv(args), { cwd: repoRoot });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });

  it("reads standard input as '-', JSONL or CSV by its content (it failed: ESPIPE: invalid seek, exit 1)", async () => {
    const jsonl = await fromStdin(
      ['stats', '-'],
      `${[record('q1', 'a'), record('q2', 'a'), record('q3', 'b')].join('\n')}\n`,
    );
    expect(jsonl.stderr).toBe('');
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout).toMatch(/sft was preferred over base in 66\.7% of 3 verdicts/);
    const csv = await fromStdin(
      ['stats', '-'],
      'item,a,b,winner,judge,judge_kind,shown_left\nq1,sft,base,a,j,human,a\nq2,sft,base,b,j,human,b\n',
    );
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toMatch(/in 50\.0% of 2 verdicts/);
    // errors name the input as given, not the copy it was read from
    const bad = await fromStdin(['stats', '-'], `${record('q1', 'a')}\n{"item":1}\n`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tracearena: -:2: field 'item': /);
  });

  it('refuses a directory in one line with exit 2 (it was a raw EISDIR, exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-dir-'));
    const r = await fromStdin(['stats', dir], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tracearena: ${dir}: is a directory, not a judgments file\n`);
  });

  it('refuses a path it cannot read in one line with exit 2 (ELOOP and ENAMETOOLONG were raw, exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-unreadable-'));
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    const loop = await fromStdin(['stats', join(dir, 'loop-a')], '');
    expect([loop.code, loop.stderr]).toEqual([
      2,
      `tracearena: ${join(dir, 'loop-a')}: too many levels of symbolic links\n`,
    ]);
    const long = join(dir, 'x'.repeat(300));
    const named = await fromStdin(['stats', long], '');
    expect([named.code, named.stderr]).toEqual([2, `tracearena: ${long}: file name too long\n`]);
  });
});
