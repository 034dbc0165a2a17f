import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { modelPriceSchema } from '../../shared/llm-api.ts';
import type { Usage } from './types.ts';

/** A model's price, as the API, the prices file and the built-in table give it. */
export type Price = z.infer<typeof modelPriceSchema>;

/**
 * Built-in list prices (USD per 1M tokens) of common judge models. A model matches its exact name,
 * or its name without a date suffix (snapshots such as claude-sonnet-4-20250514). `--prices FILE`
 * overrides or adds entries; a model with no price costs 0 and cannot run under --max-cost.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = Object.freeze({
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, imageTokens: 37_000 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
});

/** Input tokens one image may cost when the price table says nothing (Anthropic caps images near 1,600). */
export const DEFAULT_IMAGE_TOKENS = 1_600;

export type PriceTable = Readonly<Record<string, Price>>;

const priceFileSchema = z.record(z.string().min(1), modelPriceSchema);

/** Reads a prices file: `{"model": {"input": USD per 1M, "output": USD per 1M, "imageTokens"?: n}}`. */
export async function loadPriceFile(path: string): Promise<PriceTable> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(
      `${path}: not a readable JSON file (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
  const parsed = priceFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}: field '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

export function priceFor(model: string, overrides: PriceTable = {}): Price | null {
  const table = { ...DEFAULT_PRICES, ...overrides };
  if (table[model]) return table[model];
  // A dated snapshot (gpt-4o-2024-08-06, claude-sonnet-4-20250514) costs what its model costs.
  const undated = model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
  return table[undated] ?? null;
}

export function costOf(usage: Usage, price: Price | null): number {
  if (!price) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/**
 * An upper bound of a call's cost, reserved before the call so that --max-cost holds: text costs at
 * most one token per UTF-8 byte (byte-level BPE), each image at most `imageTokens`, and the output
 * at most `maxTokens`.
 */
export function estimateCost(
  { textBytes, images, maxTokens }: { textBytes: number; images: number; maxTokens: number },
  price: Price | null,
): number {
  if (!price) return 0;
  const input = textBytes + images * (price.imageTokens ?? DEFAULT_IMAGE_TOKENS);
  return costOf({ inputTokens: input, outputTokens: maxTokens }, price);
}
