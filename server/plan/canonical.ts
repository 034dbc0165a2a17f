import { hash } from 'node:crypto';

/**
 * The canonical JSON of a plan (docs/plan.md, "The plan's hash"): objects with their keys sorted
 * by code unit, at every depth; arrays in their order; no whitespace; numbers and strings as
 * JSON.stringify writes them. The same as Python's
 * `json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` for every plan
 * (its keys are ASCII, its numbers integers or decimals in (0, 1)).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`a plan holds only finite numbers, got ${value}`);
  return JSON.stringify(value);
}

/** The plan's hash: SHA-256 (hex) of the UTF-8 of its canonical JSON. */
export function planHash(plan: unknown): string {
  return hash('sha256', canonicalJson(plan), 'hex');
}
