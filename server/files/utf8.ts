/**
 * Where strict UTF-8 decoding fails. Node's decoders replace bad bytes with U+FFFD without a word,
 * so a file with a stray Latin-1 byte imported "successfully" with altered text; the import refuses
 * it instead, naming the line. a fatal TextDecoder checks every chunk; this scan runs only on failure,
 * to find the offending sequence (Unicode Table 3-7, as TextDecoder's fatal mode applies it).
 */

/** Index of the first byte that starts an ill-formed sequence in `bytes`, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // an encoded UTF-16 surrogate
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Length of the prefix of `bytes` that does not end inside a multi-byte sequence. */
export function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back] as number;
    if (b < 0x80) return n; // ASCII: nothing pending
    if (b >= 0xc0) {
      // a lead byte: complete when the bytes after it are all it needs
      const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
      return back - 1 >= need ? n : n - back;
    }
  }
  return n;
}
