import { encodePng } from './png.ts';

/** A small deterministic generator (mulberry32) so the demo images are the same on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIZE = 256;

class Canvas {
  readonly px = new Uint8Array(SIZE * SIZE * 3);
  set(x: number, y: number, r: number, g: number, b: number) {
    if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) return;
    const i = (Math.floor(y) * SIZE + Math.floor(x)) * 3;
    this.px[i] = clamp(r);
    this.px[i + 1] = clamp(g);
    this.px[i + 2] = clamp(b);
  }
  png(): Buffer {
    return encodePng(SIZE, SIZE, this.px);
  }
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/** A chest-radiograph-like image: dark lung fields in a bright thorax, optionally a nodule. */
export function syntheticRadiograph(
  seed: number,
  finding: { x: number; y: number; r: number } | null,
): Buffer {
  const rand = mulberry32(seed);
  const c = new Canvas();
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const body = Math.exp(-(((x - 128) / 110) ** 4) - ((y - 140) / 130) ** 4);
      const lungL = Math.exp(-(((x - 85) / 38) ** 2) - ((y - 130) / 70) ** 2);
      const lungR = Math.exp(-(((x - 171) / 38) ** 2) - ((y - 130) / 70) ** 2);
      const spine = Math.exp(-(((x - 128) / 9) ** 2));
      const rib = 0.08 * Math.max(0, Math.sin(y / 7 + Math.abs(x - 128) / 40));
      let v = 40 + 170 * body - 120 * Math.max(lungL, lungR) + 60 * spine * body + 60 * rib * body;
      if (finding) {
        const d = Math.hypot(x - finding.x, y - finding.y) / finding.r;
        v += 110 * Math.exp(-(d ** 4));
      }
      v += (rand() - 0.5) * 18;
      c.set(x, y, v, v, v);
    }
  }
  return c.png();
}

/** An H&E-micrograph-like image: pink stroma with purple nuclei; atypia makes them large and crowded. */
export function syntheticMicrograph(seed: number, atypia: boolean): Buffer {
  const rand = mulberry32(seed);
  const c = new Canvas();
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const n = (rand() - 0.5) * 20;
      c.set(x, y, 235 + n, 170 + n, 200 + n);
    }
  }
  const cells = atypia ? 90 : 45;
  for (let k = 0; k < cells; k++) {
    const cx = rand() * SIZE;
    const cy = rand() * SIZE;
    const r = atypia ? 7 + rand() * 9 : 4 + rand() * 3;
    const dark = atypia ? 60 + rand() * 40 : 110;
    for (let y = cy - r; y <= cy + r; y++) {
      for (let x = cx - r; x <= cx + r; x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) c.set(x, y, dark + 40, dark, dark + 90);
      }
    }
  }
  return c.png();
}

/** A bar chart of lab values; `values` are fractions of the axis height. */
export function syntheticChart(seed: number, values: number[]): Buffer {
  const rand = mulberry32(seed);
  const c = new Canvas();
  for (let i = 0; i < c.px.length; i++) c.px[i] = 250;
  for (let x = 20; x < 240; x++) c.set(x, 230, 30, 30, 30);
  for (let y = 20; y < 231; y++) c.set(20, y, 30, 30, 30);
  const width = Math.floor(200 / values.length);
  values.forEach((v, i) => {
    const top = 230 - v * 200;
    const hue = rand() * 60;
    for (let x = 30 + i * width; x < 30 + (i + 1) * width - 8; x++) {
      for (let y = top; y < 230; y++) c.set(x, y, 40 + hue, 90 + hue, 200);
    }
  });
  // reference line at the upper limit of normal
  for (let x = 21; x < 240; x += 2) c.set(x, 230 - 0.6 * 200, 220, 40, 40);
  return c.png();
}
