import { describe, expect, it } from 'vitest';
import { Errors, hasRegisteredCode } from '../../../server/errors.ts';

describe('the error registry', () => {
  it("reads each entry's code without building the error, the same code the error carries", () => {
    for (const [name, E] of Object.entries(Errors)) {
      const err = new E('x');
      expect(E.code, name).toBe(err.code);
      expect(err).toBeInstanceOf(E);
      expect(err.statusCode, name).toBeGreaterThanOrEqual(400);
    }
  });

  it('gives every entry its own TA_ code', () => {
    const codes = Object.values(Errors).map((E) => E.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^TA_[A-Z_]+$/);
  });

  it('tells a registered code from any other (Fastify, Node, none)', () => {
    expect(hasRegisteredCode(new Errors.LeaseLost())).toBe(true);
    expect(hasRegisteredCode({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).toBe(false);
    expect(hasRegisteredCode({ code: 'ENOENT' })).toBe(false);
    expect(hasRegisteredCode({})).toBe(false);
  });
});
