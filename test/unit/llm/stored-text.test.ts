import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  errorLine,
  escapeStoredJson,
  escapeStoredText,
  unescapeStoredJson,
  unescapeStoredText,
} from '../../../server/llm/stored-text.ts';
import { unstorableTextReason } from '../../../shared/text.ts';

/** Strings rich in what matters: backslashes, u, hex digits, NUL, both surrogate halves. */
const tricky = fc
  .array(fc.constantFrom('\\', 'u', '0', 'a', 'F', '\u0000', '\uD83D', '\uDE00', 'x', 'é'), {
    maxLength: 24,
  })
  .map((cs) => cs.join(''));

describe('provider text as stored', () => {
  it('escapes NUL and lone surrogates as \\uXXXX and leaves ordinary text alone', () => {
    expect(escapeStoredText('a\u0000b')).toBe('a\\u0000b');
    expect(escapeStoredText('x\uD800y\uDC01')).toBe('x\\ud800y\\udc01');
    expect(escapeStoredText('ok 😀 é [[A]]')).toBe('ok 😀 é [[A]]');
    // A literal backslash-u stays distinguishable from an escaped NUL.
    expect(escapeStoredText('\\u0000')).toBe('\\\\u0000');
    expect(unescapeStoredText('\\\\u0000')).toBe('\\u0000');
  });

  it('round-trips every string exactly, and what it stores is storable (seeded property)', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string({ unit: 'binary' })), (s) => {
        const stored = escapeStoredText(s);
        expect(unstorableTextReason(stored)).toBeNull();
        expect(unescapeStoredText(stored)).toBe(s);
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  it('round-trips JSON keys and values, including __proto__', () => {
    const value = JSON.parse(
      '{"choices":[{"message":{"content":"a\\u0000\\ud800"}}],"__proto__":{"k\\u0000":1},"n":2}',
    ) as unknown;
    const stored = escapeStoredJson(value);
    const strings = (v: unknown): string[] =>
      typeof v === 'string'
        ? [v]
        : v && typeof v === 'object'
          ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)])
          : [];
    expect(strings(stored).map(unstorableTextReason).filter(Boolean)).toEqual([]);
    expect(strings(stored)).toContain('a\\u0000\\ud800');
    expect(unescapeStoredJson(stored)).toEqual(value);
  });

  it('reduces a database error to its own one-line reason', () => {
    const cause = new Error('invalid byte sequence for encoding "UTF8": 0x00');
    const wrapped = new Error(`Failed query: insert into x values ($1)\nparams: a\u0000b`, {
      cause,
    });
    expect(errorLine(wrapped)).toBe('invalid byte sequence for encoding "UTF8": 0x00');
    expect(errorLine(new Error(`two\nlines\u0000`))).toBe('two lines');
    expect(errorLine('x'.repeat(1000))).toHaveLength(300);
  });
});
