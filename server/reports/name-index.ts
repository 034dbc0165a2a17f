/**
 * An exact map from names to dense ids (0, 1, 2, …) that keeps nothing on the JavaScript heap: the
 * names' UTF-8 bytes sit in one growable arena, and an open-addressing table of 32-bit FNV-1a
 * hashes points into it. Every hash match is confirmed by comparing bytes, so two names never
 * share an id. A million item ids cost a few bytes each plus ~12 bytes of index, where a
 * `Map<string, number>` costs ~80 bytes of garbage-collected heap per entry; the reports only
 * need the ids (items are clusters, never printed), so the names are not kept as strings.
 */
export class NameIndex {
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  /** starts[id] .. starts[id + 1]: the bytes of name `id`. */
  private starts = new Int32Array(1024 + 1);
  private hashes = new Int32Array(1024);
  /** id + 1 per slot; 0 = empty. */
  private slots = new Int32Array(2048);
  private scratch = new Uint8Array(256);
  private count = 0;
  private static readonly encoder = new TextEncoder();

  get size(): number {
    return this.count;
  }

  id(name: string): number {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit
    if (name.length * 3 > this.scratch.length) this.scratch = new Uint8Array(name.length * 3);
    const len = NameIndex.encoder.encodeInto(name, this.scratch).written;
    const bytes = this.scratch;
    let h = 0x811c9dc5 | 0;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ (bytes[k] as number), 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === h && this.equals(id, bytes, len)) return id;
      slot = (slot + 1) & mask;
    }
    return this.insert(bytes, len, h, slot);
  }

  private equals(id: number, bytes: Uint8Array, len: number): boolean {
    const start = this.starts[id] as number;
    if ((this.starts[id + 1] as number) - start !== len) return false;
    for (let k = 0; k < len; k++) if (this.arena[start + k] !== bytes[k]) return false;
    return true;
  }

  private insert(bytes: Uint8Array, len: number, h: number, slot: number): number {
    const id = this.count;
    if (this.used + len > this.arena.length) {
      const size = Math.max(this.arena.length * 2, this.used + len);
      if (size > 0x7fffffff) throw new RangeError('names exceed 2 GB');
      const next = new Uint8Array(size);
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
    }
    this.arena.set(bytes.subarray(0, len), this.used);
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
