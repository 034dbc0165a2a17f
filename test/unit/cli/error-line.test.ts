import { describe, expect, it } from 'vitest';
import { errorLine } from '../../../server/cli/program.ts';

describe('an unexpected error in the CLI is one line', () => {
  it("a failed query by the database's reason, not the statement and its parameters", () => {
    // drizzle's message for an import of 11,000 images was 2.9 MB: the query and every image's bytes
    const err = new Error(
      `Failed query: insert into "item_images" values ($1, $2)\nparams: ${'\u0089PNG'.repeat(1000)}`,
      { cause: new Error('bind message has 66000 parameter formats but 0 parameters') },
    );
    expect(errorLine(err)).toBe(
      'database error: bind message has 66000 parameter formats but 0 parameters',
    );
  });

  it('any other error by the first line of its message, at most 1,000 characters', () => {
    expect(errorLine(new Error('first\nsecond'))).toBe('first');
    expect(errorLine(new Error('x'.repeat(5000)))).toBe(`${'x'.repeat(1000)}…`);
    expect(errorLine('plain')).toBe('plain');
  });
});
