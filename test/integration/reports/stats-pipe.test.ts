import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgv, repoRoot } from '../../helpers/processes.ts';

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
