import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

/**
 * The server's structured logs (pino, through Fastify): one line per request received and
 * completed, errors with their code. Logs get shipped and kept, so nothing in them may let a reader
 * act as a judge or an admin: the Authorization and Cookie headers, token-like query parameters,
 * anything shaped like one of our tokens and URL fragments (where invite links carry the token)
 * are replaced by [redacted].
 */

const REDACTED = '[redacted]';
/** Our tokens (server/auth/tokens.ts): `ta_admin_…` / `ta_judge_…`, base64url. */
const TOKEN = /ta_(?:admin|judge)_[A-Za-z0-9_-]+/g;
const SECRET_PARAM = /^(?:token|access_token|auth|authorization|api_?key|key|secret|password)$/i;

/** The URL as logged: the path, the query with secret-named values blanked, no fragment. */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const beforeHash = hash >= 0 ? url.slice(0, hash) : url;
  const q = beforeHash.indexOf('?');
  let out = beforeHash;
  if (q >= 0) {
    const query = beforeHash
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        return SECRET_PARAM.test(safeDecode(pair.slice(0, eq)))
          ? `${pair.slice(0, eq)}=${REDACTED}`
          : pair;
      })
      .join('&');
    out = `${beforeHash.slice(0, q)}?${query}`;
  }
  return (hash >= 0 ? `${out}#${REDACTED}` : out).replace(TOKEN, REDACTED);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Fastify's logger options for this config; `stream` defaults to stdout (tests pass a collector). */
export function loggerOptions(
  config: Pick<Config, 'logLevel'>,
  stream?: { write(line: string): void },
): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        'token',
        '*.token',
        'apiKey',
        '*.apiKey',
      ],
      censor: REDACTED,
    },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}
