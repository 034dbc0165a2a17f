import { sha256 } from './template.ts';

/**
 * The cache key of a call: sha256 of the provider and the exact request body (model, parameters,
 * messages with their images). The body is built deterministically, so equal requests hash equal;
 * the base URL and the API key are not part of it.
 */
export function cacheKey(provider: string, body: Record<string, unknown>): string {
  return sha256(JSON.stringify({ provider, body }));
}
