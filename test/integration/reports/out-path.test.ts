import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/processes.ts';

describe('an --out the CLI cannot write to is bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ta-out-'));
  const file = join(dir, 'j.jsonl');
  writeFileSync(
    file,
    `${JSON.stringify({ item: 'q1', a: 'sft', b: 'base', winner: 'a', judge: 'j', judge_kind: 'human', shown_left: 'a' })}\n`,
  );

  const cases: Array<{ what: string; out: string; message: RegExp }> = [
    {
      what: 'a missing directory',
      out: join(dir, 'no-such-dir', 'r.json'),
      message: /--out '.*r\.json': no such directory '.*no-such-dir'$/,
    },
    { what: 'a directory', out: dir, message: /--out '.*': is a directory$/ },
    {
      what: 'a file in place of a directory',
      out: join(file, 'r.json'),
      message: /--out '.*r\.json': the path goes through a file, not a directory$/,
    },
  ];
  it.each(cases)(
    '$what: one line, exit 2, before any work (it was a raw ENOENT/EISDIR with exit 1)',
    async ({ out, message }) => {
      const r = await runCli(['stats', file, '--out', out]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tracearena: /);
      expect(lines[0]).toMatch(message);
    },
  );

  it('export and audit check their --out the same way (the check runs before the verb)', async () => {
    for (const verb of ['export', 'audit']) {
      const r = await runCli([verb, '--study', 'x', '--out', join(dir, 'nope', 'x.jsonl')]);
      expect(r.code, verb).toBe(2);
      expect(r.stderr, verb).toMatch(/no such directory/);
    }
  });
});
