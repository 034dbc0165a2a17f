import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerToken, hashToken } from '../auth/tokens.ts';
import { Errors } from '../errors.ts';

/**
 * Rate limits against an abusive client (tokens have 192 bits: guessing is not the risk). A request
 * carrying a token counts against that token, so 500 judges behind one hospital NAT never share a
 * bucket; a request without one (pages, images, health) counts against its address. Defaults (per
 * minute, server/config.ts): 3,000 per token, 50 a second, where a judge working flat out makes
 * about 3 calls per comparison; 60,000 per address, so that 500 judges sharing one address could
 * each load 120 pages, assets and images a minute. Counters are per process.
 */
export const rateLimitPlugin = fp(
  async (app) => {
    const { perToken, perIp } = app.config.rateLimit;
    if (perToken === 0 && perIp === 0) return;
    await app.register(rateLimit, {
      global: true,
      timeWindow: 60_000,
      keyGenerator: keyOf,
      max: (_request, key) => (key.startsWith('token:') ? perToken : perIp),
      // A limit of 0 is off: those requests are not counted at all.
      allowList: (_request, key) => (key.startsWith('token:') ? perToken : perIp) === 0,
      errorResponseBuilder: (_request, context) =>
        new Errors.RateLimited(String(Math.ceil(context.ttl / 1000))),
    });
  },
  { name: 'rate-limit', dependencies: ['error-handler'] },
);

/** The bucket of a request: its token's hash (never the token itself), else its address. */
function keyOf(request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization);
  return token ? `token:${hashToken(token)}` : `ip:${request.ip}`;
}
