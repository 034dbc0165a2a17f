import { describe, expect, it } from 'vitest';
import { startRunBodySchema } from '../../../shared/llm-api.ts';
import { parseRunFlags, type RunFlags } from '../../../server/cli/judge-flags.ts';
import { DEFAULTS } from '../../../server/llm/config.ts';

const flags: RunFlags = {
  model: ['gpt-4o-mini'],
  provider: 'openai',
  concurrency: DEFAULTS.concurrency,
  temperature: DEFAULTS.temperature,
  maxTokens: DEFAULTS.maxTokens,
  structured: true,
};

const errorOf = (result: ReturnType<typeof parseRunFlags>) =>
  'error' in result ? result.error : null;

describe('tracearena judge flags parsed by the start-run schema', () => {
  it('gives the body a run started over HTTP with the same settings sends', () => {
    expect(parseRunFlags(flags, {})).toEqual({
      body: startRunBodySchema.parse({ models: ['gpt-4o-mini'] }),
    });
  });

  it('maps every flag and file onto its body field', () => {
    const result = parseRunFlags(
      {
        ...flags,
        model: ['a', 'b'],
        provider: 'anthropic',
        baseUrl: 'http://127.0.0.1:8000/v1',
        apiKeyEnv: 'LOCAL_LLM_KEY',
        rpm: 60,
        swap: true,
        maxCost: 1.5,
        withReference: true,
        seed: 7,
        structured: false,
      },
      {
        template: { path: 't.txt', text: '{{response_a}} {{response_b}}' },
        prices: { path: 'p.json', table: { a: { input: 1, output: 2 } } },
      },
    );
    expect(result).toEqual({
      body: {
        models: ['a', 'b'],
        provider: 'anthropic',
        baseUrl: 'http://127.0.0.1:8000/v1',
        apiKeyEnv: 'LOCAL_LLM_KEY',
        concurrency: 4,
        rpm: 60,
        swap: true,
        maxCostUsd: 1.5,
        template: '{{response_a}} {{response_b}}',
        withReference: true,
        temperature: 0,
        maxTokens: 1024,
        seed: 7,
        structured: false,
        prices: { a: { input: 1, output: 2 } },
      },
    });
  });

  it("keeps the CLI's defaults and the API's the same", () => {
    const body = startRunBodySchema.parse({ models: ['m'] });
    expect(body).toMatchObject({
      concurrency: DEFAULTS.concurrency,
      temperature: DEFAULTS.temperature,
      maxTokens: DEFAULTS.maxTokens,
    });
  });

  it.each([
    [{ concurrency: 300 }, "option '--concurrency': expected at most 256, got '300'"],
    [{ temperature: 2.5 }, "option '--temperature': expected at most 2, got '2.5'"],
    [{ maxTokens: 250_000 }, "option '--max-tokens': expected at most 200000, got '250000'"],
    [
      { model: Array.from({ length: 11 }, (_, i) => `m${i}`) },
      "option '--model': expected at most 10, got 11",
    ],
    [{ model: [''] }, "option '--model': expected a non-empty value"],
    [{ model: ['a\u0000b'] }, "option '--model': contains U+0000 (NUL) at character 2"],
    [{ model: ['  '] }, "option '--model': expected a non-empty value"],
    [{ model: ['n\n'] }, "option '--model': a name without control characters (U+000A at 2)"],
    [{ model: ['m ', 'm'] }, "option '--model': the same model is named twice ('m')"],
    [{ baseUrl: 'not a url' }, "option '--base-url': expected an http(s) URL"],
    [
      { apiKeyEnv: 'DATABASE_URL' },
      "option '--api-key-env': expected an environment variable name ending in _API_KEY, _KEY or _TOKEN, got 'DATABASE_URL'",
    ],
  ] as Array<[Partial<RunFlags>, string]>)('refuses %j in one plain line', (change, line) => {
    expect(errorOf(parseRunFlags({ ...flags, ...change }, {}))).toBe(line);
  });

  it('reads a model name as stats reads a judge name: trimmed and in Unicode NFC', () => {
    // 'm ' and 'cafe+U+0301' were judges of their own in the study's report, one judge in stats on its export
    expect(parseRunFlags({ ...flags, model: [' m ', 'cafe\u0301'] }, {})).toMatchObject({
      body: { models: ['m', 'caf\u00e9'] },
    });
  });

  it('names the file for a template or price table that cannot be stored', () => {
    expect(errorOf(parseRunFlags(flags, { template: { path: 't.txt', text: '' } }))).toBe(
      't.txt: the file is empty',
    );
    expect(errorOf(parseRunFlags(flags, { template: { path: 't.txt', text: 'a\u0000' } }))).toBe(
      't.txt: contains U+0000 (NUL) at character 2',
    );
    expect(
      errorOf(
        parseRunFlags(flags, {
          prices: { path: 'p.json', table: { 'm\u0000': { input: 1, output: 1 } } },
        }),
      ),
    ).toBe("p.json: field 'm\u0000': contains U+0000 (NUL) at character 2");
  });
});
