import fc from 'fast-check';
import { pairBodySchema } from '../../../shared/admin-api.ts';
import { reportOptionsSchema } from '../../../shared/report.ts';
import { describe, expect, it } from 'vitest';
import { storableText, unstorableTextReason } from '../../../shared/text.ts';

describe('storable text', () => {
  it.each([
    ['', null],
    ['plain', null],
    ['emoji \u{1F600} and CJK 中文', null],
    ['tab\tnewline\n\u0001', null],
    ['a\u0000b', 'contains U+0000 (NUL) at character 2'],
    ['\ud800', 'contains a lone surrogate U+D800 at character 1 (not valid Unicode text)'],
    ['ab\udc00', 'contains a lone surrogate U+DC00 at character 3 (not valid Unicode text)'],
    [
      '\ud83d\ud83d\ude00',
      'contains a lone surrogate U+D83D at character 1 (not valid Unicode text)',
    ],
    ['\ude00\ud83d', 'contains a lone surrogate U+DE00 at character 1 (not valid Unicode text)'],
  ])('%j → %s', (value, reason) => {
    expect(unstorableTextReason(value)).toBe(reason);
  });

  it('agrees with a UTF-8 round trip and the absence of NUL, on any string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        (s) => {
          const storable = Buffer.from(s, 'utf8').toString('utf8') === s && !s.includes('\u0000');
          expect(unstorableTextReason(s) === null).toBe(storable);
        },
      ),
      { seed: 13, numRuns: 2000 },
    );
  });

  it('keeps the chained checks of a zod string', () => {
    const name = storableText().min(1).max(3);
    expect(name.safeParse('abc').success).toBe(true);
    expect(name.safeParse('abcd').success).toBe(false);
    expect(name.safeParse('').success).toBe(false);
    expect(name.safeParse('a\u0000').error?.issues[0]?.message).toBe(
      'contains U+0000 (NUL) at character 2',
    );
  });
});

describe('a --base system is named as imports and stats store names (a review of the change)', () => {
  it('reads --base trimmed and in Unicode NFC, in reports and in pairing', () => {
    // import --system ' sft' stores sft, and pair --base ' sft' said there was no such system
    expect(reportOptionsSchema.parse({ base: ' cafe\u0301 ' }).base).toBe('caf\u00e9');
    expect(pairBodySchema.parse({ base: ' sft' }).base).toBe('sft');
    expect(reportOptionsSchema.safeParse({ base: '   ' }).success).toBe(false);
  });
});
