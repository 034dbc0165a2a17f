// Compiles the CLI and the server to JavaScript (dist/server/), so commands start without tsx
// compiling TypeScript on every run. esbuild ships with tsx and vite: no extra dependency.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repoRoot, SERVER_OUTPUT } from './freshness.js';

const outdir = join(repoRoot, dirname(SERVER_OUTPUT));

/**
 * Pure-JavaScript packages bundled in: resolving and reading their modules one by one was most of
 * a command's start-up. drizzle-orm and zod alone are ~700 module files, hyparquet (loaded by every
 * import route) 67, and every @stdlib package (the statistics' distributions, importing only each
 * other) ~450 tiny CommonJS files. Every importer of zod that the server loads is bundled too, so
 * there is one zod. What these import from other packages stays external: none of them has a
 * nested node_modules, so it resolves to the same hoisted package from dist/server/. The rest are
 * loaded from node_modules as they are (PGlite finds its WebAssembly beside itself; pg, Fastify
 * and the LLM SDKs load optional parts at run time).
 */
const BUNDLED = new Set([
  'drizzle-orm',
  'zod',
  'fastify-type-provider-zod',
  'commander',
  'csv-parse',
  'csv-stringify',
  'stream-json',
  'stream-chain',
  'hyparquet',
]);

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      BUNDLED.has(packageName(path)) || path.startsWith('@stdlib/')
        ? undefined
        : { path, external: true },
    );
  },
};

/**
 * A module that finds files beside it (the migrations, dist/client) does so through
 * `import.meta.url`. In the bundle that is the chunk's address, so each use is pointed back at
 * the module's source file, relative to the bundle: the same files are found as under tsx, and
 * the checkout can move.
 */
const sourceLocation = {
  name: 'source-location',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const fromBundle = relative(outdir, path).split('\\').join('/');
      return {
        contents: text.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

export async function buildServer() {
  // Chunk names carry a hash: without this, every build would leave the last one's behind.
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: repoRoot,
    // the verdicts' hash runs on a worker thread (server/reports/provenance.ts), found beside cli.js
    entryPoints: {
      cli: 'scripts/cli.ts',
      artifacts: 'scripts/build/artifacts.ts',
      'verdicts-hash-worker': 'server/reports/verdicts-hash-worker.ts',
    },
    outdir,
    bundle: true,
    // Each verb stays its own chunk (server/cli/program.ts loads only the one being run), beside
    // cli.js: the source-location rewrite below is relative to this one folder.
    splitting: true,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    // commander and stream-json are CommonJS: their require() of node builtins needs a real one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    plugins: [externalPackages, sourceLocation],
  });
  // Made by the compiled code just built (scripts/build/artifacts.ts): the verbs' summaries, so
  // `tracearena --help` loads no verb, and the migrated PGlite template a fresh folder is copied
  // from (made only when the migrations or PGlite changed: it takes PGlite's initdb, 8–16 s here).
  const artifacts = await import(pathToFileURL(join(outdir, 'artifacts.js')).href);
  await writeFile(
    join(outdir, 'verbs.json'),
    `${JSON.stringify(await artifacts.verbSummaries(), null, 2)}\n`,
  );
  await artifacts.makePgliteTemplate();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await buildServer();
