import { describe, expect, it } from 'vitest';
import { classifyError, makeRedactor } from '../../../server/llm/providers/errors.ts';

describe('a provider error as the run stores and prints it', () => {
  it('is one line, its key redacted, whatever lines the provider wrote', () => {
    // an LLM-run audit: a 401 with this message split the CLI's last line in three (a raw \r among
    // them) and went into llm_runs.error with its newlines
    const err = Object.assign(
      new Error(
        'Incorrect API key provided: sk-test-abcdef123456.\nYou can find your API key at https://example.test.\r\nContact support.',
      ),
      { status: 401 },
    );
    const classified = classifyError(err, makeRedactor('sk-test-abcdef123456'));
    expect(classified.message).toBe(
      'Error: Incorrect API key provided: [redacted]. You can find your API key at https://example.test. Contact support.',
    );
    expect(classified.fatal).toBe(true);
    const overloaded = classifyError(
      Object.assign(new Error('upstream overloaded\nretry later'), { status: 503 }),
      makeRedactor(null),
    );
    expect(overloaded.message).toBe('Error: upstream overloaded retry later');
    expect(overloaded.fatal || overloaded.rejected).toBe(false);
  });
});
