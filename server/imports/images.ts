import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DicomRefused, GRAY16_MIME, dicomToGray16, isDicom } from './dicom.ts';

/** Image types a judge's browser can show, recognised by their first bytes (never by name). */
export function detectImageMime(head: Uint8Array): string | null {
  const b = (i: number) => head[i] ?? -1;
  if (
    b(0) === 0x89 &&
    b(1) === 0x50 &&
    b(2) === 0x4e &&
    b(3) === 0x47 &&
    b(4) === 0x0d &&
    b(5) === 0x0a
  )
    return 'image/png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38) return 'image/gif';
  if (
    b(0) === 0x52 &&
    b(1) === 0x49 &&
    b(2) === 0x46 &&
    b(3) === 0x46 &&
    b(8) === 0x57 &&
    b(9) === 0x45 &&
    b(10) === 0x42 &&
    b(11) === 0x50
  )
    return 'image/webp';
  // SVG is text: an optional BOM, XML prolog, comments or doctype, then an <svg element
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 1024)).toString(
    'utf8',
  );
  if (/^\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(text))
    return 'image/svg+xml';
  return null;
}

export const IMAGE_KINDS = 'a PNG, JPEG, GIF, WebP, SVG or DICOM image';

export interface ImageRef {
  kind: 'file' | 'data';
  /** The absolute path (file) or the decoded bytes (data:). */
  path?: string;
  bytes?: Buffer;
}

export type ImageCheck =
  { ok: true; ref: ImageRef; mime: string } | { ok: false; expected: string };

/**
 * A DICOM file becomes its de-identified pixels and geometry (gray16, server/imports/dicom.ts)
 * here, before anything is stored: the DICOM bytes themselves are never kept.
 */
function fromDicom(bytes: Uint8Array, ref: string): ImageCheck {
  try {
    return { ok: true, ref: { kind: 'data', bytes: dicomToGray16(bytes) }, mime: GRAY16_MIME };
  } catch (err) {
    if (err instanceof DicomRefused) return { ok: false, expected: `DICOM ${ref}: ${err.message}` };
    throw err;
  }
}

const DATA_URI = /^data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,(.*)$/s;

export function decodeDataUri(uri: string): Buffer | null {
  const m = DATA_URI.exec(uri);
  if (!m) return null;
  const payload = m[4] ?? '';
  if (m[3]) {
    const clean = payload.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return null;
    return Buffer.from(clean, 'base64');
  }
  try {
    return Buffer.from(decodeURIComponent(payload), 'utf8');
  } catch {
    return null;
  }
}

/**
 * Resolves an image reference of a record: a path relative to the import file's folder that stays
 * inside it, or a data: URI. Reads only the first bytes of a file (the write pass reads it whole).
 */
export async function checkImage(ref: string, baseDir: string): Promise<ImageCheck> {
  if (ref.startsWith('data:')) {
    const bytes = decodeDataUri(ref);
    if (!bytes) return { ok: false, expected: 'expected a valid data: URI' };
    if (isDicom(bytes)) return fromDicom(bytes, 'data: URI');
    const mime = detectImageMime(bytes);
    if (!mime) return { ok: false, expected: `expected ${IMAGE_KINDS}: data: URI` };
    return { ok: true, ref: { kind: 'data', bytes }, mime };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    return {
      ok: false,
      expected: `expected a path relative to the import file or a data: URI, not a URL: ${ref}`,
    };
  }
  const path = resolve(baseDir, ref);
  const rel = relative(baseDir, path);
  if (
    isAbsolute(ref) ||
    rel === '' ||
    rel.startsWith(`..${sep}`) ||
    rel === '..' ||
    isAbsolute(rel)
  ) {
    return { ok: false, expected: `expected a path inside the import file's folder: ${ref}` };
  }
  let head: Buffer;
  try {
    // before opening it: a FIFO's open waits for a writer forever, and a device never ends
    const info = await stat(path);
    if (info.isDirectory()) return { ok: false, expected: `expected a file, not a folder: ${ref}` };
    if (!info.isFile()) return { ok: false, expected: `expected a regular file: ${ref}` };
    if (info.size > MAX_IMAGE_BYTES)
      return {
        ok: false,
        expected: `an image of at most ${MAX_IMAGE_BYTES / MIB} MiB (this one is ${Math.ceil(info.size / MIB)} MiB): ${ref}`,
      };
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(1024);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { ok: false, expected: `file not found: ${ref}` };
    if (code === 'EISDIR') return { ok: false, expected: `expected a file, not a folder: ${ref}` };
    return { ok: false, expected: `cannot read ${ref}: ${code ?? String(err)}` };
  }
  if (isDicom(head)) return fromDicom(await readFile(path), ref);
  const mime = detectImageMime(head);
  if (!mime) return { ok: false, expected: `expected ${IMAGE_KINDS}: ${ref}` };
  return { ok: true, ref: { kind: 'file', path }, mime };
}

const MIB = 1024 * 1024;
/**
 * The largest image file an import takes: PostgreSQL refuses a protocol message over 1 GB (an
 * image past it failed with "Failed query: rollback"), and a bytea holds at most 1 GB.
 */
const MAX_IMAGE_BYTES = 900 * MIB;

export interface LoadedImage {
  mime: string;
  sha256: string;
  bytes: Buffer;
}

export async function loadImage(ref: ImageRef, mime: string): Promise<LoadedImage> {
  const bytes = ref.kind === 'data' ? (ref.bytes as Buffer) : await readFile(ref.path as string);
  return { mime, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
