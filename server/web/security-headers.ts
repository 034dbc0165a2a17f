import fp from 'fastify-plugin';

/**
 * Headers for the HTML pages. The CSP forbids inline and remote scripts, remote content of any
 * kind (images only from this origin or data:, fonts only from this origin), framing, plugins
 * and form posts elsewhere; model output rendered in the page cannot load or run anything.
 * Inline styles stay allowed: KaTeX sizes glyphs with style attributes.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/**
 * The API docs page (@fastify/swagger-ui): its scripts and stylesheets are files from this origin
 * (no inline script), it fetches the spec from here, and Swagger UI's React components set
 * style attributes, hence 'unsafe-inline' for styles only. No remote validator badge.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Every response says `X-Content-Type-Options: nosniff`, so a browser never reads API JSON (which
 * may echo text from judges, imports or models) as HTML or script.
 */
export const securityHeadersPlugin = fp(
  async (app) => {
    app.addHook('onSend', async (_request, reply) => {
      if (!reply.hasHeader('x-content-type-options'))
        reply.header('x-content-type-options', 'nosniff');
    });
  },
  { name: 'security-headers' },
);
