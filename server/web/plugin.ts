import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PAGE_HEADERS } from './security-headers.ts';

export interface WebOptions {
  /** The built client (vite build); defaults to dist/client at the repository root. */
  root?: string;
}

const DEFAULT_ROOT = fileURLToPath(new URL('../../dist/client', import.meta.url));

/** Client-side routes: each answers with the single page, which routes in the browser. */
const PAGE_ROUTES = ['/', '/judge', '/judge/*', '/admin', '/admin/*', '/dashboard/*'];

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TraceArena</title></head>
<body><h1>TraceArena</h1>
<p>The web client has not been built. Run <code>npm run build</code> (or <code>npm test</code>), then reload.</p>
<p>The API is available under <code>/api</code>; its documentation at <code>/docs</code>.</p>
</body></html>`;

/** Serves the built client (hashed assets cached forever, pages never cached) with strict headers. */
export const webPlugin: FastifyPluginAsync<WebOptions> = async (app, opts) => {
  const root = opts.root ?? DEFAULT_ROOT;
  const built = existsSync(`${root}/index.html`);
  const page = built ? await readFile(`${root}/index.html`, 'utf8') : NOT_BUILT;

  const sendPage = (reply: FastifyReply) => {
    reply
      .headers(PAGE_HEADERS)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8');
    return reply.code(built ? 200 : 503).send(page);
  };
  for (const url of PAGE_ROUTES)
    app.get(url, { schema: { hide: true } }, (_request, reply) => sendPage(reply));

  if (built) {
    await app.register(fastifyStatic, {
      root: `${root}/assets`,
      prefix: '/assets/',
      index: false,
      wildcard: true,
      maxAge: '365d',
      immutable: true,
      setHeaders(res) {
        res.header('x-content-type-options', 'nosniff');
        res.header('cross-origin-resource-policy', 'same-origin');
      },
    });
  }
};
