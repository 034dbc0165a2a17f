import { createHash } from 'node:crypto';
import type { Db } from '../../../server/db/client.ts';
import { itemImages, items, outputs, studies, systems } from '../../../server/db/schema/index.ts';
import { demoItems } from '../../../server/demo/content.ts';
import { DEFAULTS, type RunOptions } from '../../../server/llm/config.ts';
import { defaultTemplate } from '../../../server/llm/template.ts';
import { pairStudy } from '../../../server/pairing/service.ts';

/** System names that appear nowhere in the demo content, so a leak is detectable. */
export const CANDIDATE = 'quartzfinch-ft';
export const BASE = 'basaltowl-base';
export const API_KEY = 'sk-test-SECRETKEY-0123456789abcdef';

/** A demo-like study (the demo's items and images, a fine-tuned and a base system), paired. */
export async function makeDemoStudy(
  db: Db,
  { items: count = 12, name }: { items?: number; name?: string } = {},
) {
  const studyName = name ?? `llm-${Math.random().toString(36).slice(2, 8)}`;
  const [study] = await db.insert(studies).values({ name: studyName }).returning();
  const sys = await db
    .insert(systems)
    .values([
      { studyId: study!.id, name: CANDIDATE },
      { studyId: study!.id, name: BASE },
    ])
    .returning();
  const sft = sys.find((s) => s.name === CANDIDATE)!;
  const base = sys.find((s) => s.name === BASE)!;
  for (const d of demoItems(count)) {
    const [item] = await db
      .insert(items)
      .values({
        studyId: study!.id,
        externalId: d.id,
        question: d.question,
        reference: d.reference,
        modality: d.modality,
      })
      .returning();
    await db.insert(itemImages).values({
      itemId: item!.id,
      position: 0,
      mime: 'image/png',
      sha256: createHash('sha256').update(d.image).digest('hex'),
      bytes: d.image,
      byteLength: d.image.length,
    });
    await db.insert(outputs).values([
      {
        itemId: item!.id,
        systemId: sft.id,
        ...d.outputs.sft,
        traceLength: d.outputs.sft.trace.length,
        answerLength: d.outputs.sft.answer.length,
      },
      {
        itemId: item!.id,
        systemId: base.id,
        ...d.outputs.base,
        traceLength: d.outputs.base.trace.length,
        answerLength: d.outputs.base.answer.length,
      },
    ]);
  }
  await pairStudy(db, study!.id, {
    allPairs: false,
    base: BASE,
    seed: 'llm-test',
    judgesPerComparison: 1,
  });
  return { studyId: study!.id, name: studyName, candidateId: sft.id, baseId: base.id };
}

/** Run options for tests: short deadlines and leases, the fake provider's URL. */
export function testRunOptions(
  studyId: string,
  baseUrl: string,
  overrides: Partial<RunOptions> = {},
): RunOptions {
  return {
    studyId,
    provider: 'openai',
    models: ['gpt-4o-mini'],
    baseUrl,
    apiKey: API_KEY,
    apiKeyEnv: 'FAKE_LLM_KEY',
    concurrency: 4,
    rpm: null,
    swap: false,
    maxCostUsd: null,
    template: defaultTemplate(),
    withReference: false,
    temperature: 0,
    maxTokens: DEFAULTS.maxTokens,
    seed: null,
    structured: true,
    prices: {},
    leaseSeconds: 30,
    timeoutMs: 2_000,
    maxRetries: 3,
    maxErrorAttempts: DEFAULTS.maxErrorAttempts,
    ...overrides,
  };
}
