import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analysisPlanSchema } from '../../../shared/plan.ts';
import { canonicalJson, planHash } from '../../../server/plan/canonical.ts';

/** Written by scripts/reference/plan_hash.py with Python's json and hashlib alone. */
const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/plan/plan-hash.json', import.meta.url), 'utf8'),
) as Array<{ plan: unknown; canonical: string; sha256: string }>;

describe('the plan hash (docs/plan.md)', () => {
  it.each(fixtures.map((f, i) => [i, f] as const))(
    'plan %i: the canonical JSON and SHA-256 equal Python json.dumps(sort_keys) + hashlib',
    (_, f) => {
      // the plans are valid plans, given in shuffled key order
      const plan = analysisPlanSchema.parse(f.plan);
      expect(canonicalJson(f.plan)).toBe(f.canonical);
      expect(planHash(f.plan)).toBe(f.sha256);
      // parsing (which rebuilds the objects in schema order) does not change it
      expect(planHash(plan)).toBe(f.sha256);
    },
  );

  it('is stable: the same plan in any key order, built any way, hashes alike; any change moves it', () => {
    const plan = fixtures[0]!.plan as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(plan).reverse());
    expect(planHash(reversed)).toBe(planHash(plan));
    expect(planHash(JSON.parse(JSON.stringify(plan)))).toBe(planHash(plan));
    expect(planHash({ ...plan, items: 401 })).not.toBe(planHash(plan));
    expect(planHash({ ...plan, interval: { ci: 'auto', level: 0.9 } })).not.toBe(planHash(plan));
  });

  it('drops undefined keys (as JSON does) and refuses a number JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [1, 'x'] })).toBe('{"b":1,"c":[1,"x"]}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/finite/);
  });
});
