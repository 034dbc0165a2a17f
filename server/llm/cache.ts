import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { llmCache } from '../db/schema/index.ts';
import { sha256 } from './template.ts';

/**
 * The cache key of a call: sha256 of the provider and the exact request body (model, parameters,
 * messages with their images). The body is built deterministically, so equal requests hash equal;
 * the base URL and the API key are not part of it.
 */
export function cacheKey(provider: string, body: Record<string, unknown>): string {
  return sha256(JSON.stringify({ provider, body }));
}

export async function getCachedResponse(db: Tx, { key }: { key: string }) {
  const [row] = await db.select().from(llmCache).where(eq(llmCache.key, key));
  return row ?? null;
}
