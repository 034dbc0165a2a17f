import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { requireBuiltClient } from './helpers.ts';

requireBuiltClient();

const dist = fileURLToPath(new URL('../../dist/client', import.meta.url));
const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

describe('judge page weight', () => {
  it('loads at most 200 KB of gzipped JavaScript, KaTeX for math included', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    // What the page loads up front: the entry script and the chunks it preloads.
    const upFront = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const katex = readdirSync(join(dist, 'assets')).filter((f) => /^katex-.*\.js$/.test(f));
    expect(upFront.length).toBeGreaterThan(0);
    expect(katex).toHaveLength(1);
    const initial = upFront.reduce((sum, f) => sum + gz(f), 0);
    const withMath = initial + gz(`assets/${katex[0]}`);
    process.stdout.write(
      `judge page JS (gzip -9): ${(initial / 1024).toFixed(1)} KB up front, ${(withMath / 1024).toFixed(1)} KB with KaTeX\n`,
    );
    expect(withMath).toBeLessThanOrEqual(200 * 1024);
    // The admin and dashboard code stays out of the judge page.
    for (const f of upFront) expect(f).not.toMatch(/Admin|Dashboard|run-figures/);
  });
});
