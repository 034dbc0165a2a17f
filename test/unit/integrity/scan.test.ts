import { describe, expect, it } from 'vitest';
import { createScanner } from '../../../server/integrity/scan.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { cleanTrace, leakSentence } from './clinical-text.ts';

const SYSTEMS = ['medgemma-4b', 'qwen2.5-7b-instruct', 'llama-3.1-8b', 'gpt-4o-mini', 'base'];
const scanner = createScanner({ systemNames: SYSTEMS });
const found = (text: string) => scanner.scan(text).map((m) => [m.text, m.kind]);

describe('identity-leak scan: what it finds', () => {
  it("finds the study's system names with separators and case normalised", () => {
    expect(found('As medgemma-4b, I would start with an ECG.')).toEqual([
      ['As medgemma-4b', 'system'],
    ]);
    expect(found('MedGemma 4B here. The likely diagnosis is gout.')).toEqual([
      ['MedGemma 4B here', 'system'],
    ]);
    expect(found('Answer from medgemma_4b: pneumonia; QWEN2.5 7B INSTRUCT agrees.')).toEqual([
      ['medgemma_4b', 'system'],
      ['QWEN2.5 7B INSTRUCT', 'system'],
    ]);
    // a system name inside a longer word is not the name
    expect(found('xmedgemma4bz')).toEqual([]);
    expect(scanner.skippedSystemNames).toEqual(['base']);
  });

  it('finds models, vendors and self-descriptions, with offsets for highlighting', () => {
    const text =
      "Summary. I'm GPT-4o, and Claude here agrees; as an AI developed by OpenAI, I add.";
    const matches = scanner.scan(text);
    expect(matches.map((m) => [m.text, m.kind, m.selfDescribed])).toEqual([
      ["I'm GPT-4o", 'model', true],
      ['Claude here', 'model', true],
      ['as an AI developed by OpenAI', 'self-description', true],
      ['OpenAI', 'vendor', false],
    ]);
    for (const m of matches) expect(text.slice(m.start, m.end)).toBe(m.text);
    expect(found('As a large language model trained by Google, I cannot.')[0]).toEqual([
      'As a large language model trained by Google',
      'self-description',
    ]);
    expect(found('Llama 3.1 70B, Mistral-7B-Instruct, LLaMA, Gemini 1.5 Pro, Meta AI')).toEqual([
      ['Llama 3.1 70B', 'model'],
      ['Mistral-7B-Instruct', 'model'],
      ['LLaMA', 'model'],
      ['Gemini 1.5 Pro', 'model'],
      ['Meta AI', 'vendor'],
    ]);
  });

  it("takes the caller's extra words", () => {
    const s = createScanner({ systemNames: [], extraWords: ['Acme Reasoner'] });
    expect(s.scan('The acme-reasoner answer is B.').map((m) => m.text)).toEqual(['acme-reasoner']);
  });

  it('does not take clinical senses for models (docs/integrity.md)', () => {
    for (const clean of [
      'Liver panel: ALT (GPT) 88 U/L, AST 65 U/L; SGPT elevated. GPT 120 U/L on day 3.',
      'The GPT was 4 times the upper limit of normal.',
      'Claude, a 64-year-old man, has chest pain. Claude Bernard–Horner syndrome is unlikely.',
      'The llama, 3 years old, developed ataxia; the llama 2 days later was recumbent.',
      'A hiker exposed to the mistral for two days. The Mistral wind was cold.',
      'Gemini of coiled bodies are reduced in SMA. Moderate AI on echo. Palmar erythema.',
      'She googled her symptoms. The findings cohere. A falconer whose falcon was unwell.',
      'The base of the lung. A trained interpreter. Prompt referral. A risk model.',
    ])
      expect(found(clean), clean).toEqual([]);
  });
});

describe('identity-leak scan on a fixture study (issue #16: >= 95% flagged, <= 1% false flags)', () => {
  it('flags the 5% of outputs that leak, and almost none of the clean ones', () => {
    const rng = createRng(16);
    const nameable = SYSTEMS.filter((s) => !scanner.skippedSystemNames.includes(s));
    let leaky = 0;
    let caught = 0;
    let clean = 0;
    let falseFlags = 0;
    const missed: string[] = [];
    const wrong: string[] = [];
    for (let item = 0; item < 1000; item++) {
      for (const system of SYSTEMS) {
        const sentences = cleanTrace(rng, 6 + rng.nextInt(10));
        if (rng.nextFloat() < 0.05) {
          // the leak goes anywhere in the trace; it must be what is flagged
          const at = rng.nextInt(sentences.length + 1);
          const leak = leakSentence(rng, system, nameable);
          const before = sentences.slice(0, at).join(' ');
          const text = [before, leak, ...sentences.slice(at)].join(' ').trim();
          const start = text.indexOf(leak, before.length);
          const hits = scanner.scan(text);
          leaky++;
          if (hits.some((h) => h.start < start + leak.length && h.end > start)) caught++;
          else missed.push(leak);
        } else {
          const text = sentences.join(' ');
          clean++;
          const hits = scanner.scan(text);
          if (hits.length > 0) {
            falseFlags++;
            wrong.push(hits.map((h) => h.text).join(', '));
          }
        }
      }
    }
    const recall = caught / leaky;
    const falseRate = falseFlags / clean;
    expect(leaky).toBeGreaterThan(200);
    expect(recall, `missed: ${missed.join(' | ')}`).toBeGreaterThanOrEqual(0.95);
    expect(falseRate, `false flags: ${wrong.join(' | ')}`).toBeLessThanOrEqual(0.01);
  });
});
