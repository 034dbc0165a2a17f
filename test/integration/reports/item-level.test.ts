import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../../shared/report.ts';
import { createRng } from '../../../server/stats/rng.ts';
import {
  styleControlledFromTotals,
  type StyleCounts,
  type StyleTotals,
} from '../../../server/stats/style-control.ts';
import { runCli } from '../../helpers/processes.ts';

/**
 * Issue 15: `tracearena stats` on a judgments file mixing human and LLM verdicts prints the
 * human-calibrated LLM rate, the anytime-valid sequence, the length-controlled and the
 * style-controlled rates in every format.
 *
 * The file: 120 items of sft vs base, each judged by an LLM in both display orders; 50 of them
 * also by clinicians (every 3rd item by one, every 8th by another). Items differ strongly, so
 * humans and the LLM agree often; the LLM favours sft beyond what humans do, and both prefer the
 * longer output. Every output has a style (headers, list items, bold spans): even items carry the
 * outputs' texts (output_a/output_b), odd items explicit counts (style_a/style_b).
 */
const styles: Array<{ a: StyleCounts; b: StyleCounts }> = [];
/** A markdown text with these counts (what styleCounts counts in it). */
const markdown = (c: StyleCounts) =>
  `${'# Heading\n'.repeat(c.headers)}${'- point\n'.repeat(c.lists)}${'**key** '.repeat(c.bold)}`;
function mixedFile(): string {
  const rng = createRng(2015, 'item-level-cli');
  const styleRng = createRng(2015, 'item-level-style');
  const lines: string[] = [];
  const winner = (p: number) => {
    const u = rng.nextFloat();
    return u < 0.08 ? 'tie' : u < 0.08 + 0.92 * p ? 'a' : 'b';
  };
  for (let i = 0; i < 120; i++) {
    const lenA = 300 + rng.nextInt(700);
    const lenB = 350 + rng.nextInt(400);
    const eta = 0.3 + (lenA - lenB) / 400 + 10 * (rng.nextFloat() - 0.5);
    const p = 1 / (1 + Math.exp(-eta));
    const pLlm = 1 / (1 + Math.exp(-(eta + 0.8)));
    const side = (): StyleCounts => {
      const c = {
        headers: styleRng.nextInt(4),
        lists: styleRng.nextInt(6),
        bold: styleRng.nextInt(5),
      };
      return { ...c, length: markdown({ ...c, length: 0 }).length };
    };
    const style = { a: side(), b: side() };
    styles.push(style);
    const styleFields =
      i % 2 === 0
        ? { output_a: markdown(style.a), output_b: markdown(style.b) }
        : { style_a: style.a, style_b: style.b };
    const rec = (judge: string, kind: string, shown: string, pw: number) =>
      JSON.stringify({
        ...styleFields,
        item: `case-${i}`,
        a: 'sft',
        b: 'base',
        winner: winner(pw),
        judge,
        judge_kind: kind,
        shown_left: shown,
        len_a: lenA,
        len_b: lenB,
      });
    lines.push(rec('gpt-judge', 'llm', 'a', pLlm), rec('gpt-judge', 'llm', 'b', pLlm));
    if (i % 3 === 0) lines.push(rec('dr-lee', 'human', i % 2 ? 'a' : 'b', p));
    if (i % 8 === 0) lines.push(rec('dr-kim', 'human', i % 2 ? 'b' : 'a', p));
  }
  return `${lines.join('\n')}\n`;
}

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-item-level-'));
  file = join(dir, 'mixed.jsonl');
  await writeFile(file, mixedFile());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tracearena stats on human and LLM verdicts together', () => {
  it('reports the calibrated, sequential, length- and style-controlled figures in every format', async () => {
    const formats = ['json', 'table', 'csv', 'markdown', 'latex', 'html'] as const;
    const outs = formats.map((f) => join(dir, `mixed.${f}`));
    const results = await Promise.all(
      formats.map((f, k) =>
        runCli(['stats', file, '--rounds', '500', '--format', f, '--out', outs[k]!], {
          DATABASE_URL: undefined,
        }),
      ),
    );
    const texts: Record<string, string> = {};
    for (const [k, f] of formats.entries()) {
      expect(results[k]!.code, `${f}: ${results[k]!.stderr}`).toBe(0);
      expect(results[k]!.stderr, f).toBe('');
      texts[f] = await readFile(outs[k]!, 'utf8');
    }

    const report = reportSchema.parse(JSON.parse(texts.json!));
    const pair = report.pairs[0]!;
    const c = pair.calibrated!;
    // humans judged every 3rd item and every 8th: 50 items; the LLM alone the other 70
    expect([c.nHuman, c.nLlm]).toEqual([50, 70]);
    expect(c.lambda).toBeGreaterThan(0);
    // the LLM's bias is rectified: the calibrated rate sits below the LLM-only one
    expect(c.winRate!).toBeLessThan(pair.byJudgeKind.llm!.winRate!);
    // and the LLM's many items narrow the human-only interval
    const width = (ci: readonly [number, number] | null) => ci![1] - ci![0];
    expect(width(c.ci)).toBeLessThan(width(pair.byJudgeKind.human!.ci));
    expect(pair.sequential!.items).toBe(120);
    expect(pair.sequential!.ci[0]).toBeLessThanOrEqual(pair.winRate!);
    expect(pair.sequential!.ci[1]).toBeGreaterThanOrEqual(pair.winRate!);
    // both judges prefer length: at equal length the rate falls
    expect(pair.lengthControlled!.lengthCoefficient!).toBeGreaterThan(0);
    expect(pair.lengthControlled!.winRate!).toBeLessThan(pair.winRate!);
    // style control: style-control.ts on the same items (texts counted, counts read), same seed
    const scores = new Map<number, number[]>();
    for (const line of texts.json ? mixedFile().trim().split('\n') : []) {
      const r = JSON.parse(line) as { item: string; winner: string };
      const i = Number(r.item.slice('case-'.length));
      scores.set(i, [
        ...(scores.get(i) ?? []),
        r.winner === 'a' ? 1 : r.winner === 'tie' ? 0.5 : 0,
      ]);
    }
    const totals: StyleTotals[] = styles.slice(0, 120).map((st, i) => ({
      ...st,
      verdicts: scores.get(i)!.length,
      scoreSum: scores.get(i)!.reduce((x, y) => x + y, 0),
    }));
    const ref = styleControlledFromTotals(totals, {
      level: 0.95,
      rounds: 500,
      rng: createRng(1, 'sft\u0000base\u0000style-controlled'),
    });
    const st = pair.styleControlled!;
    expect(st.winRate!).toBeCloseTo(ref.winRate.value!, 12);
    expect(st.ci![0]).toBeCloseTo(ref.ci.value![0], 12);
    expect(st.ci![1]).toBeCloseTo(ref.ci.value![1], 12);
    for (const f of ['length', 'headers', 'lists', 'bold'] as const)
      expect(st.coefficients![f]!, f).toBeCloseTo(ref.coefficients.value![f]!, 9);

    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const sequenceText = `${pct(pair.sequential!.ci[0]).slice(0, -1)}–${pct(pair.sequential!.ci[1])}`;
    for (const f of ['table', 'markdown', 'html'] as const) {
      const t = texts[f]!;
      expect(t, f).toContain('human-calibrated LLM (PPI++)');
      expect(t, f).toContain('anytime-valid sequence');
      expect(t, f).toContain('length-controlled');
      expect(t, f).toContain(pct(c.winRate!));
      expect(t, f).toContain(pct(pair.lengthControlled!.winRate!));
      expect(t, f).toContain('style-controlled');
      expect(t, f).toContain(pct(st.winRate!));
      expect(t, f).toContain(sequenceText);
    }
    expect(texts.latex).toContain('calibrated (PPI++)');
    expect(texts.latex).toContain('\nsequence & ');
    expect(texts.latex).toContain('\nlength-controlled & ');
    expect(texts.latex).toContain('\nstyle-controlled & ');
    expect(texts.latex).toContain((st.winRate! * 100).toFixed(1));
    expect(texts.latex).toContain((c.winRate! * 100).toFixed(1));
    const csv = texts.csv!.trim().split('\n');
    const rowOf = (breakdown: string) => csv.find((l) => l.split(',')[2] === breakdown);
    expect(rowOf('calibrated')).toContain(String(c.winRate));
    expect(rowOf('sequential')).toContain(String(pair.sequential!.ci[0]));
    expect(rowOf('length_controlled')).toContain(String(pair.lengthControlled!.winRate));
    expect(rowOf('style_controlled')).toContain(String(st.winRate));
    expect(rowOf('style_controlled')).toContain(`boldCoefficient: ${st.coefficients!.bold}`);
  });

  it('without texts or style counts, the style-controlled figure is null with its reason', async () => {
    const plain = join(dir, 'plain.jsonl');
    await writeFile(
      plain,
      mixedFile()
        .trim()
        .split('\n')
        .map((l) => {
          const {
            output_a: _a,
            output_b: _b,
            style_a: _c,
            style_b: _d,
            ...r
          } = JSON.parse(l) as Record<string, unknown>;
          return JSON.stringify(r);
        })
        .join('\n'),
    );
    const res = await runCli(['stats', plain, '--rounds', '50', '--format', 'json'], {
      DATABASE_URL: undefined,
    });
    expect(res.code, res.stderr).toBe(0);
    const pair = reportSchema.parse(JSON.parse(res.stdout)).pairs[0]!;
    expect(pair.styleControlled).toBeNull();
    expect(pair.reasons.styleControlled).toMatch(/output_a\/output_b or style_a\/style_b/);
    expect(pair.lengthControlled!.winRate).not.toBeNull();
  });
});
