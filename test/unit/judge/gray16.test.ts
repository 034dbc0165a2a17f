import { describe, expect, it } from 'vitest';
import {
  autoWindowValues,
  clampWindowIn,
  parseGray16,
  renderValues,
} from '../../../client/src/features/judge/image-math.ts';
import { dicomToGray16 } from '../../../server/imports/dicom.ts';
import { buildDicom } from '../../helpers/dicom.ts';

const toArrayBuffer = (b: Buffer): ArrayBuffer => new Uint8Array(b).buffer; // a copy: a Buffer may sit on a shared pool

describe('gray16 in the judge page', () => {
  it('decodes what the import wrote: rescaled values, range, file window', () => {
    const file = buildDicom({ rows: 1, columns: 4, value: (x) => [0, 1024, 2000, 4095][x]! });
    const g = parseGray16(toArrayBuffer(dicomToGray16(file)))!;
    expect(g.width).toBe(4);
    expect(g.height).toBe(1);
    // intercept −1024, slope 1
    expect(Array.from(g.values)).toEqual([-1024, 0, 976, 3071]);
    expect(g.domain).toEqual({ lo: -1024, hi: 3071 });
    expect(g.fileWindow).toEqual({ center: 976, width: 4000 });
    expect(g.invert).toBe(false);
    expect(parseGray16(new ArrayBuffer(4))).toBeNull();
  });

  it('decodes signed values and MONOCHROME1', () => {
    const file = buildDicom({
      rows: 1,
      columns: 2,
      signed: true,
      value: (x) => [0x0800, 0x07ff][x]!,
      rescaleIntercept: 0,
      photometric: 'MONOCHROME1',
      noWindow: true,
    });
    const g = parseGray16(toArrayBuffer(dicomToGray16(file)))!;
    expect(Array.from(g.values)).toEqual([-2048, 2047]);
    expect(g.invert).toBe(true);
    expect(g.fileWindow).toBeNull();
  });

  it("windows values with DICOM's linear VOI function (PS3.3 C.11.2.1.2)", () => {
    // c = 40, w = 400: black at or below −160, white above 239, c − 0.5 is mid-grey
    const values = Float32Array.from([-1000, -160, -159, 39.5, 239, 239.01, 3000]);
    const out = new Uint8ClampedArray(values.length * 4);
    renderValues(values, { center: 40, width: 400 }, false, out);
    const greys = Array.from({ length: values.length }, (_, i) => out[i * 4]!);
    const y = (x: number) => Math.round(((x - 39.5) / 399 + 0.5) * 255);
    expect(greys).toEqual([0, 0, y(-159), 128, 255, 255, 255]);
    expect(out[3]).toBe(255);
    // inverted (MONOCHROME1); mid-grey 127.5 rounds to even either way
    renderValues(values, { center: 40, width: 400 }, true, out);
    expect(Array.from({ length: values.length }, (_, i) => out[i * 4]!)).toEqual(
      greys.map((v, i) => (i === 3 ? 128 : 255 - v)),
    );
  });

  it('keeps a window within the values and finds the 1st–99th percentile window', () => {
    const domain = { lo: -1000, hi: 3000 };
    expect(clampWindowIn({ center: 99_999, width: 1 }, domain)).toEqual({
      center: 5000,
      width: 4000 / 128,
    });
    expect(clampWindowIn({ center: -99_999, width: 1e9 }, domain)).toEqual({
      center: -3000,
      width: 16_000,
    });
    const values = Float32Array.from({ length: 1000 }, (_, i) => (i < 10 ? -1000 : i));
    const w = autoWindowValues(values, { lo: -1000, hi: 999 });
    expect(w.center - w.width / 2).toBe(10);
    expect(w.center + w.width / 2).toBe(990);
  });
});
