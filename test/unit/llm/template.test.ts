import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../server/llm/template.ts';

describe('custom templates', () => {
  it('refuses a template holding U+0000 (stored with the run, it failed the run as a database error)', () => {
    const text = 'Judge {{response_a}} against {{response_b}}';
    expect(() => parseTemplate(`${text}\u0000`, 'judge.txt')).toThrow(
      /^judge\.txt: contains U\+0000 \(NUL\) at character 44$/,
    );
    expect(() => parseTemplate(text, 'judge.txt')).not.toThrow();
  });
});
