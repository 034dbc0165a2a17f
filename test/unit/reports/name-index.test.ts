import { describe, expect, it } from 'vitest';
import { NameIndex } from '../../../server/reports/name-index.ts';
import { createRng } from '../../../server/stats/rng.ts';

describe('NameIndex', () => {
  it('gives the ids a Map would give, over 100,000 names', () => {
    const index = new NameIndex();
    const reference = new Map<string, number>();
    const rng = createRng(7);
    let mismatches = 0;
    for (let k = 0; k < 200_000; k++) {
      // about half are repeats of earlier names
      const name = `q-${Math.floor(rng.nextFloat() * 100_000)}-${k % 3}`;
      let want = reference.get(name);
      if (want === undefined) {
        want = reference.size;
        reference.set(name, want);
      }
      if (index.id(name) !== want) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(index.size).toBe(reference.size);
  });

  it('tells apart names whose 32-bit FNV-1a hashes collide', () => {
    const fnv = (name: string) => {
      let h = 0x811c9dc5 | 0;
      for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 0x01000193);
      return h;
    };
    // a colliding pair found by a birthday search over `item-${k}`
    const [x, y] = ['item-352798', 'item-1023240'];
    expect(fnv(x)).toBe(fnv(y));
    const index = new NameIndex();
    expect([index.id(x), index.id(y), index.id(x), index.id(y)]).toEqual([0, 1, 0, 1]);
  });

  it('handles non-ASCII, lone surrogates, long and empty names', () => {
    const index = new NameIndex();
    const long = 'x'.repeat(10_000);
    // lone surrogates differ as strings though UTF-8 would encode both as U+FFFD
    const names = ['', 'é', 'e\u0301', '胸部X線', '🙂', long, `${long}y`, 'a', '\ud800', '\ud801'];
    names.forEach((n, i) => expect(index.id(n)).toBe(i));
    names.forEach((n, i) => expect(index.id(n)).toBe(i));
    expect(index.size).toBe(names.length);
  });
});
