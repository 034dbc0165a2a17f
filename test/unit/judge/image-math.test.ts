import { describe, expect, it } from 'vitest';
import {
  FULL_RANGE,
  autoWindow,
  clampView,
  isGreyscale,
  wheelFactor,
  windowLut,
  zoomAbout,
  zoomLimits,
} from '../../../client/src/features/judge/image-math.ts';

const grey = (levels: number[]) => new Uint8ClampedArray(levels.flatMap((v) => [v, v, v, 255]));

describe('window/level lookup', () => {
  it('is the identity over the full range, so a reset restores every pixel', () => {
    expect(Array.from(windowLut(FULL_RANGE))).toEqual(Array.from({ length: 256 }, (_, v) => v));
  });

  it('maps center − width/2 to black and center + width/2 to white, clamped outside', () => {
    const lut = windowLut({ center: 100, width: 50 });
    expect(lut[75]).toBe(0);
    expect(lut[125]).toBe(255);
    expect(lut[100]).toBe(128);
    expect(lut[0]).toBe(0);
    expect(lut[255]).toBe(255);
  });

  it('tells greyscale from colour and stretches the 1st-99th percentile for auto contrast', () => {
    expect(isGreyscale(grey([0, 10, 255]))).toBe(true);
    expect(isGreyscale(new Uint8ClampedArray([1, 1, 2, 255]))).toBe(false);
    const levels = Array.from({ length: 1000 }, (_, i) => 50 + (i % 101));
    const w = autoWindow(grey(levels));
    expect(w.center - w.width / 2).toBeGreaterThanOrEqual(50);
    expect(w.center + w.width / 2).toBeLessThanOrEqual(150);
  });
});

describe('zoom', () => {
  const frame = { width: 400, height: 400 };
  const image = { width: 512, height: 512 };

  it('is 15 % a wheel notch: five notches double the size, no more', () => {
    expect(wheelFactor(-100, 0) ** 5).toBeCloseTo(1.15 ** 5, 10);
    expect(wheelFactor(-100, 0) ** 5).toBeLessThan(2.02);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-99, 0), 10);
    expect(wheelFactor(100, 0)).toBeCloseTo(1 / 1.15, 10);
  });

  it('stops at 8 screen pixels per image pixel and at the fitted size', () => {
    const fit = { zoom: 400 / 512, x: 0, y: 0 };
    expect(zoomLimits(frame, image, 1)).toEqual({ min: 400 / 512, max: 8 });
    expect(zoomAbout(fit, 1000, 200, 200, frame, image, 1).zoom).toBe(8);
    expect(zoomAbout(fit, 0.001, 200, 200, frame, image, 1).zoom).toBe(400 / 512);
  });

  it('keeps the image point under the cursor where it was', () => {
    const v = { zoom: 2, x: -300, y: -200 };
    const next = zoomAbout(v, 1.5, 120, 80, frame, image, 1);
    const before = { x: (120 - v.x) / v.zoom, y: (80 - v.y) / v.zoom };
    const after = { x: (120 - next.x) / next.zoom, y: (80 - next.y) / next.zoom };
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
  });

  it('centres an image smaller than the frame and keeps a larger one covering it', () => {
    expect(clampView({ zoom: 0.5, x: 0, y: 0 }, frame, image)).toEqual({ zoom: 0.5, x: 72, y: 72 });
    expect(clampView({ zoom: 2, x: 50, y: -5000 }, frame, image)).toEqual({
      zoom: 2,
      x: 0,
      y: 400 - 1024,
    });
  });
});
