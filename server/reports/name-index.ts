/**
 * An exact map from names to dense ids (0, 1, 2, …) that keeps nothing on the JavaScript heap: the
 * names' UTF-16 code units sit in one growable arena, and an open-addressing table of 32-bit
 * FNV-1a hashes points into it. Every hash match is confirmed by comparing the code units, so two
 * different strings never share an id (lone surrogates included, which a UTF-8 encoding would
 * merge). A million item ids cost two bytes per character plus ~16 bytes of index, where a
 * `Map<string, number>` costs ~80 bytes of garbage-collected heap per entry; the reports only
 * need the ids (items are clusters, never printed), so the names are not kept as strings: the
 * verdicts' hash (provenance.ts) rebuilds each one, for a moment, with `name`.
 */
export class NameIndex {
  private arena = new Uint16Array(1 << 15);
  private used = 0;
  /** starts[id] .. starts[id + 1]: the code units of name `id`. */
  private starts = new Int32Array(1024 + 1);
  private hashes = new Int32Array(1024);
  /** id + 1 per slot; 0 = empty. */
  private slots = new Int32Array(2048);
  private count = 0;

  get size(): number {
    return this.count;
  }

  id(name: string): number {
    const len = name.length;
    // FNV-1a over the code units (for ASCII names, the same as over their bytes)
    let h = 0x811c9dc5 | 0;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ name.charCodeAt(k), 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === h && this.equals(id, name)) return id;
      slot = (slot + 1) & mask;
    }
    return this.insert(name, h, slot);
  }

  /** The name of `id`, rebuilt from its code units. */
  name(id: number): string {
    const units = this.arena.subarray(this.starts[id] as number, this.starts[id + 1] as number);
    let out = '';
    // in chunks: one fromCharCode call over a very long name would overflow the argument stack
    for (let k = 0; k < units.length; k += 8192)
      out += String.fromCharCode.apply(null, units.subarray(k, k + 8192) as unknown as number[]);
    return out;
  }

  private equals(id: number, name: string): boolean {
    const start = this.starts[id] as number;
    if ((this.starts[id + 1] as number) - start !== name.length) return false;
    for (let k = 0; k < name.length; k++)
      if (this.arena[start + k] !== name.charCodeAt(k)) return false;
    return true;
  }

  private insert(name: string, h: number, slot: number): number {
    const id = this.count;
    const len = name.length;
    if (this.used + len > this.arena.length) {
      if (this.used + len > 0x7fffffff) throw new RangeError('names exceed 2^31 characters');
      const size = Math.min(Math.max(this.arena.length * 2, this.used + len), 0x7fffffff);
      const next = new Uint16Array(size);
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
    }
    for (let k = 0; k < len; k++) this.arena[this.used + k] = name.charCodeAt(k);
    this.used += len;
    if (id === this.hashes.length) {
      const starts = new Int32Array(this.hashes.length * 2 + 1);
      starts.set(this.starts);
      this.starts = starts;
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.starts[id + 1] = this.used;
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    this.count++;
    // keep the load factor at most ½ so probes stay short
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return id;
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = (this.hashes[id] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}
