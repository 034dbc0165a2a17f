/**
 * A realistic judgments file for `npm run bench:stats`: 4 pairs of 5 systems, each item judged in
 * every pair by 2 of 6 judges (3 clinicians, 3 LLMs), with per-item difficulty (a random effect
 * per item and pair), per-judge leniency, per-item tie propensity, a length effect, two axes that
 * follow the overall verdict with noise, and a modality per item. Items therefore differ in their
 * verdict patterns, unlike a file that repeats one line shape. Seeded: the same file every run.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createRng, type Rng } from '../../server/stats/rng.ts';

const SYSTEMS = ['base', 'sft', 'dpo', 'rlhf', 'distill'] as const;
/** Log-strengths against `base`. */
const STRENGTH: Record<(typeof SYSTEMS)[number], number> = {
  base: 0,
  sft: 0.6,
  dpo: 0.9,
  rlhf: 1.1,
  distill: 0.3,
};
const PAIRS: Array<[(typeof SYSTEMS)[number], (typeof SYSTEMS)[number]]> = [
  ['sft', 'base'],
  ['dpo', 'base'],
  ['rlhf', 'sft'],
  ['distill', 'dpo'],
];
const JUDGES: Array<[string, 'human' | 'llm', number]> = [
  ['dr-lee', 'human', 0.1],
  ['dr-kim', 'human', -0.2],
  ['dr-roy', 'human', 0],
  ['gpt-judge', 'llm', 0.3],
  ['claude-judge', 'llm', 0.15],
  ['gemini-judge', 'llm', -0.1],
];
const MODALITIES = ['radiology', 'pathology', 'dermatology'];

function normal(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function side(rng: Rng, pA: number, tie: number): 'a' | 'b' | 'tie' {
  const u = rng.nextFloat();
  return u < tie ? 'tie' : u < tie + (1 - tie) * pA ? 'a' : 'b';
}

/** Writes items × 4 pairs × 2 judges lines of JSONL to `path`. */
export async function writeRealisticJudgments(
  path: string,
  items: number,
  seed = 20261130,
): Promise<void> {
  const rng = createRng(seed, 'realistic-judgments');
  const out = createWriteStream(path);
  const lens = new Float64Array(SYSTEMS.length);
  for (let it = 0; it < items; it++) {
    const item = `case-${it.toString(36)}`;
    const modality = MODALITIES[rng.nextInt(MODALITIES.length)] as string;
    const tie = 0.05 + 0.25 * rng.nextFloat() ** 2;
    for (let s = 0; s < SYSTEMS.length; s++)
      lens[s] = Math.round(Math.exp(6.2 + 0.15 * s + 0.5 * normal(rng)));
    for (const [a, b] of PAIRS) {
      const ia = SYSTEMS.indexOf(a);
      const ib = SYSTEMS.indexOf(b);
      const lenA = lens[ia] as number;
      const lenB = lens[ib] as number;
      const eta = STRENGTH[a] - STRENGTH[b] + 0.9 * normal(rng) + (0.2 * (lenA - lenB)) / 500;
      const first = rng.nextInt(JUDGES.length);
      const second = (first + 1 + rng.nextInt(JUDGES.length - 1)) % JUDGES.length;
      for (const j of [first, second]) {
        const [judge, kind, leniency] = JUDGES[j] as [string, 'human' | 'llm', number];
        const pA = sigmoid(eta + leniency * (kind === 'llm' ? 1 : 0.5) + 0.3 * normal(rng));
        const winner = side(rng, pA, tie);
        const perception = rng.nextFloat() < 0.8 ? winner : side(rng, 0.5, tie);
        const rationale = rng.nextFloat() < 0.6 ? winner : side(rng, pA, tie);
        const axes =
          rng.nextFloat() < 0.9
            ? `,"axes":{"perception":"${perception}","rationale":"${rationale}"}`
            : `,"axes":{"perception":"${perception}"}`;
        const line = `{"item":"${item}","a":"${a}","b":"${b}","winner":"${winner}","judge":"${judge}","judge_kind":"${kind}","shown_left":"${rng.nextFloat() < 0.5 ? 'a' : 'b'}"${axes},"modality":"${modality}","len_a":${lenA},"len_b":${lenB}}\n`;
        if (!out.write(line)) await once(out, 'drain');
      }
    }
  }
  out.end();
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, items] = process.argv.slice(2);
  if (!path) throw new Error('usage: realistic-judgments.ts FILE [ITEMS]');
  await writeRealisticJudgments(path, Number(items ?? 125_000));
}
