import { describe, expect, it } from 'vitest';
import { copyRow } from '../../../server/imports/copy.ts';

describe('copyRow', () => {
  it("writes COPY's text format: tabs between fields, \\N for null, the four specials escaped", () => {
    expect(copyRow([7, 'plain', null, 'a\tb\nc\rd\\e', '{"k":"\\\\n"}'])).toBe(
      '7\tplain\t\\N\ta\\tb\\nc\\rd\\\\e\t{"k":"\\\\\\\\n"}\n',
    );
  });
});
