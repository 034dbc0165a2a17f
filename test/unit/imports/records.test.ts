import { describe, expect, it } from 'vitest';
import { findUnstorable, MAX_RECORD_DEPTH } from '../../../server/imports/records.ts';

/** A record whose metadata holds objects nested so that the deepest one is at `levels`. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  // the record is level 1 and metadata level 2
  for (let level = levels; level > 2; level--) value = { a: value };
  return { id: 'q', question: 'Q?', metadata: value };
}

describe('findUnstorable', () => {
  it('accepts nesting up to MAX_RECORD_DEPTH levels and refuses one more, naming the top field', () => {
    expect(MAX_RECORD_DEPTH).toBe(32);
    expect(findUnstorable(nested(32))).toBeNull();
    expect(findUnstorable(nested(33))).toEqual({
      field: 'metadata',
      expected: 'nested deeper than 32 levels',
    });
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(findUnstorable({ outputs: deep })?.field).toBe('outputs');
  });

  it('names the first string or key holding NUL or a lone surrogate, in record order', () => {
    expect(findUnstorable({ a: 'ok', b: ['x', 'y\u0000'], c: '\ud800' })).toEqual({
      field: 'b[1]',
      expected: 'contains U+0000 (NUL) at character 2',
    });
    expect(findUnstorable({ m: { 'k\udc00': 1 } })).toEqual({
      field: 'm.k\udc00',
      expected: 'contains a lone surrogate U+DC00 at character 2 (not valid Unicode text)',
    });
    expect(findUnstorable({ t: 'pair 𝄞 ok' })).toBeNull();
    expect(findUnstorable(JSON.parse('{"o": {"__proto__": {}}}'))?.field).toBe('o.__proto__');
  });
});
