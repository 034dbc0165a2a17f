import type { ProviderName } from '../types.ts';
import type { Provider, ProviderOptions } from './contract.ts';

/** Loads only the SDK the run uses (each is large). */
export async function createProvider(
  name: ProviderName,
  options: ProviderOptions,
): Promise<Provider> {
  if (name === 'anthropic') return (await import('./anthropic.ts')).anthropicProvider(options);
  return (await import('./openai.ts')).openaiProvider(options);
}
