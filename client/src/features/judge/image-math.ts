/**
 * The image viewer's arithmetic, kept pure: window/level as a lookup table over 8-bit grey
 * levels, and the zoom that keeps the point under the cursor still, bounded by the image's own
 * resolution.
 */

export interface GreyWindow {
  /** Grey level at the middle of the window (0-255 scale). */
  center: number;
  /** Grey levels spanned from black to white; 255 = the full range. */
  width: number;
}

export const FULL_RANGE: GreyWindow = { center: 127.5, width: 255 };

export const isFullRange = (w: GreyWindow) =>
  w.center === FULL_RANGE.center && w.width === FULL_RANGE.width;

/** Output grey per input grey: linear from black at center − width/2 to white at center + width/2. */
export function windowLut({ center, width }: GreyWindow): Uint8ClampedArray {
  const low = center - width / 2;
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(((v - low) / width) * 255);
  return lut;
}

export function clampWindow({ center, width }: GreyWindow): GreyWindow {
  return {
    center: Math.min(383, Math.max(-128, center)),
    width: Math.min(1024, Math.max(2, width)),
  };
}

/** True when every pixel has R = G = B (alpha ignored): window/level applies only then. */
export function isGreyscale(rgba: Uint8ClampedArray): boolean {
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  }
  return true;
}

/** The window spanning the 1st to the 99th percentile of the grey levels (auto contrast). */
export function autoWindow(rgba: Uint8ClampedArray): GreyWindow {
  const hist = new Array<number>(256).fill(0);
  for (let i = 0; i < rgba.length; i += 4) hist[rgba[i] ?? 0]!++;
  const n = rgba.length / 4;
  const at = (q: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += hist[v] ?? 0;
      if (seen >= q * n) return v;
    }
    return 255;
  };
  const lo = at(0.01);
  const hi = Math.max(at(0.99), lo + 8);
  return clampWindow({ center: (lo + hi) / 2, width: hi - lo });
}

/** Writes `lut(src)` into `dst` for the colour channels; alpha is copied. */
export function applyLut(src: Uint8ClampedArray, dst: Uint8ClampedArray, lut: Uint8ClampedArray) {
  for (let i = 0; i < src.length; i += 4) {
    const v = lut[src[i] ?? 0] ?? 0;
    dst[i] = v;
    dst[i + 1] = v;
    dst[i + 2] = v;
    dst[i + 3] = src[i + 3] ?? 255;
  }
}

export interface View {
  /** CSS pixels per image pixel. */
  zoom: number;
  /** Position of the image's top-left corner in the frame, in CSS pixels. */
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * Beyond 8 screen pixels per image pixel a zoom shows nothing new, so that is the cap (or the
 * fitted zoom, for images smaller than 1/8 of the frame).
 */
export const MAX_PIXEL_SIZE = 8;
/** One wheel notch (deltaY 100) zooms by 15 %: five notches double the size, no more. */
export const WHEEL_NOTCH = 1.15;

export const fitZoom = (frame: Size, image: Size) =>
  Math.min(frame.width / image.width, frame.height / image.height);

export function zoomLimits(frame: Size, image: Size, devicePixelRatio: number) {
  const fit = fitZoom(frame, image);
  return { min: Math.min(fit, 1 / devicePixelRatio), max: Math.max(fit, MAX_PIXEL_SIZE) };
}

/** Centres an image smaller than the frame; keeps a larger one covering the frame. */
export function clampView(view: View, frame: Size, image: Size): View {
  const place = (pos: number, shown: number, room: number) =>
    shown <= room ? (room - shown) / 2 : Math.min(0, Math.max(room - shown, pos));
  return {
    zoom: view.zoom,
    x: place(view.x, image.width * view.zoom, frame.width),
    y: place(view.y, image.height * view.zoom, frame.height),
  };
}

export function fittedView(frame: Size, image: Size): View {
  return clampView({ zoom: fitZoom(frame, image), x: 0, y: 0 }, frame, image);
}

/** Zooms by `factor` about the frame point (px, py), within the limits. */
export function zoomAbout(
  view: View,
  factor: number,
  px: number,
  py: number,
  frame: Size,
  image: Size,
  devicePixelRatio: number,
): View {
  const { min, max } = zoomLimits(frame, image, devicePixelRatio);
  const zoom = Math.min(max, Math.max(min, view.zoom * factor));
  const k = zoom / view.zoom;
  return clampView({ zoom, x: px - (px - view.x) * k, y: py - (py - view.y) * k }, frame, image);
}

/** The zoom factor of one wheel event (pixel, line or page deltas). */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 800 : deltaY;
  return Math.pow(WHEEL_NOTCH, Math.max(-3, Math.min(3, -pixels / 100)));
}

// ---- 16-bit greyscale (DICOM, stored by the import as gray16: server/imports/dicom.ts) ----

export const GRAY16_MIME = 'application/vnd.tracearena.gray16';

/** The range of values a window is set in: 0-255 for 8-bit images, the values' own for gray16. */
export interface Domain {
  lo: number;
  hi: number;
}

export interface Gray16 {
  width: number;
  height: number;
  /** Modality values (stored × rescale slope + intercept), row by row. */
  values: Float32Array;
  /** MONOCHROME1: the lowest value is white. */
  invert: boolean;
  domain: Domain;
  /** The file's own Window Center/Width, when it had one. */
  fileWindow: GreyWindow | null;
}

/** Decodes the gray16 form (magic, uint32 header length, JSON header, 16-bit LE values). */
export function parseGray16(buffer: ArrayBuffer): Gray16 | null {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 8)) !== 'TAGRAY16') return null;
  const view = new DataView(buffer);
  const headerLength = view.getUint32(8, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as {
    rows: number;
    columns: number;
    signed: boolean;
    photometric: string;
    rescaleSlope: number;
    rescaleIntercept: number;
    windowCenter: number | null;
    windowWidth: number | null;
  };
  const count = h.rows * h.columns;
  const start = 12 + headerLength;
  if (!(count > 0) || bytes.length < start + count * 2) return null;
  const values = new Float32Array(count);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < count; i++) {
    const stored = h.signed
      ? view.getInt16(start + i * 2, true)
      : view.getUint16(start + i * 2, true);
    const v = stored * h.rescaleSlope + h.rescaleIntercept;
    values[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi <= lo) hi = lo + 1;
  return {
    width: h.columns,
    height: h.rows,
    values,
    invert: h.photometric === 'MONOCHROME1',
    domain: { lo, hi },
    fileWindow:
      h.windowCenter !== null && h.windowWidth !== null && h.windowWidth > 0
        ? { center: h.windowCenter, width: h.windowWidth }
        : null,
  };
}

export const domainWindow = ({ lo, hi }: Domain): GreyWindow => ({
  center: (lo + hi) / 2,
  width: hi - lo,
});

/** As clampWindow, in a domain's units: the centre within half a range outside it, width 1/128 to 4 ranges. */
export function clampWindowIn({ center, width }: GreyWindow, { lo, hi }: Domain): GreyWindow {
  const r = hi - lo;
  return {
    center: Math.min(hi + r / 2, Math.max(lo - r / 2, center)),
    width: Math.min(4 * r, Math.max(r / 128, width)),
  };
}

/** The window spanning the 1st to the 99th percentile of the values. */
export function autoWindowValues(values: Float32Array, domain: Domain): GreyWindow {
  const sorted = Float32Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const lo = at(0.01);
  const hi = Math.max(at(0.99), lo + (domain.hi - domain.lo) / 32);
  return clampWindowIn({ center: (lo + hi) / 2, width: hi - lo }, domain);
}

/**
 * Values to display grey through a window, as DICOM's linear VOI function (PS3.3 C.11.2.1.2):
 * black at or below c − 0.5 − (w − 1)/2, white above c − 0.5 + (w − 1)/2; inverted for MONOCHROME1.
 */
export function renderValues(
  values: Float32Array,
  { center, width }: GreyWindow,
  invert: boolean,
  out: Uint8ClampedArray,
) {
  const w = Math.max(width, 1e-6);
  const c = center - 0.5;
  const span = Math.max(w - 1, 1e-6);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? 0;
    let g: number;
    if (x <= c - span / 2) g = 0;
    else if (x > c + span / 2) g = 255;
    else g = ((x - c) / span + 0.5) * 255;
    if (invert) g = 255 - g;
    const o = i * 4;
    out[o] = g;
    out[o + 1] = g;
    out[o + 2] = g;
    out[o + 3] = 255;
  }
}
