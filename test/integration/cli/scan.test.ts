import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../server/stats/rng.ts';
import { runCli, type CliResult } from '../../helpers/processes.ts';
import { cleanTrace, leakSentence } from '../../unit/integrity/clinical-text.ts';

/** The CLI on its own PGlite folder, without a DATABASE_URL from the environment. */
const cli = (args: string[]): Promise<CliResult> =>
  runCli([...args, '--data', data], { DATABASE_URL: undefined });

const SYSTEMS = ['medgemma-4b', 'llama-3.1-8b', 'base'];
let dir: string;
let data: string;
/** "item\tsystem" of every output given a leaking sentence. */
const leaked = new Set<string>();

/**
 * `tracearena scan --study S` over an imported study: 80 items × 3 systems of generated clinical
 * traces (tricky words included), one output in twenty given a leaking sentence.
 */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-scan-cli-'));
  data = join(dir, 'data');
  const rng = createRng(1616);
  const lines: string[] = [];
  for (let i = 0; i < 80; i++) {
    const id = `q-${String(i).padStart(3, '0')}`;
    const outputs: Record<string, { trace: string; answer: string }> = {};
    for (const system of SYSTEMS) {
      const sentences = cleanTrace(rng, 8);
      if (rng.nextFloat() < 0.05 || (i === 7 && system === 'base')) {
        sentences.splice(rng.nextInt(9), 0, leakSentence(rng, system, SYSTEMS.slice(0, 2)));
        leaked.add(`${id}\t${system}`);
      }
      outputs[system] = { trace: sentences.join(' '), answer: 'Community-acquired pneumonia.' };
    }
    lines.push(JSON.stringify({ id, question: `Case ${i}: what is the diagnosis?`, outputs }));
  }
  const file = join(dir, 'items.jsonl');
  await writeFile(file, lines.join('\n') + '\n');
  const imported = await cli(['import', file, '--study', 'scan-study']);
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tracearena scan', () => {
  it('lists exactly the outputs that leak, flagged at import and held, by item and system, with what matched', async () => {
    const r = await cli(['scan', '--study', 'scan-study']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const summary = lines.pop()!;
    const listed = lines.map((l) => l.split('\t').slice(0, 2).join('\t'));
    expect(new Set(listed)).toEqual(leaked);
    // by item as imported (within an item, in the order of the systems' ids)
    const items = listed.map((l) => l.split('\t')[0]!);
    expect(items).toEqual([...items].sort());
    expect(summary).toBe(
      `${leaked.size} of 240 outputs flagged (held ${leaked.size}, released 0, redacted 0, excluded 0); system names not looked for (common words): base`,
    );
    for (const l of lines) {
      expect(l.split('\t')[2]).toBe('held');
      expect(l.split('\t')[3]).toMatch(/^trace: ".+" \(/);
    }
  }, 120_000);

  it("adds the admin's words to the study's list and rescans, and refuses an unknown study in one line", async () => {
    const r = await cli(['scan', '--study', 'scan-study', '--words', 'pneumonia, ECG']);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(
      /^240 of 240 outputs flagged \(held 240, .*; the study's words: ECG, pneumonia;/,
    );
    // stored: a plain listing shows the same
    const again = await cli(['scan', '--study', 'scan-study']);
    expect(again.stdout).toBe(r.stdout);
    expect(r.stdout).toContain('answer: "pneumonia" (model pneumonia)');
    const missing = await cli(['scan', '--study', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("tracearena: no study named 'nope' (studies: scan-study)\n");
  }, 240_000);
});
