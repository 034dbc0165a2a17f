import { describe, expect, it } from 'vitest';
import { DicomRefused, dicomToGray16, isDicom } from '../../../server/imports/dicom.ts';
import { buildDicom } from '../../helpers/dicom.ts';

function decode(buf: Buffer) {
  const n = buf.readUInt32LE(8);
  const header = JSON.parse(buf.subarray(12, 12 + n).toString()) as Record<string, unknown>;
  const start = 12 + n;
  const count = (buf.length - start) / 2;
  const read = header.signed
    ? (i: number) => buf.readInt16LE(start + i * 2)
    : (i: number) => buf.readUInt16LE(start + i * 2);
  return { header, start, values: Array.from({ length: count }, (_, i) => read(i)) };
}

describe('DICOM to gray16', () => {
  it('keeps the stored values and the geometry, and nothing else of the file', () => {
    const file = buildDicom({ rows: 2, columns: 3, value: (x, y) => y * 1000 + x * 7 });
    expect(isDicom(file)).toBe(true);
    expect(isDicom(file.subarray(4))).toBe(false);
    const out = dicomToGray16(file);
    const { header, start, values } = decode(out);
    expect(start % 4).toBe(0);
    expect(values).toEqual([0, 7, 14, 1000, 1007, 1014]);
    expect(Object.keys(header).sort()).toEqual(
      [
        'bitsStored',
        'columns',
        'photometric',
        'rescaleIntercept',
        'rescaleSlope',
        'rows',
        'signed',
        'windowCenter',
        'windowWidth',
      ].sort(),
    );
    for (const s of ['Doe', 'PID-0042', 'Elsewhere', 'DICM', '1.2.3.4.5.6.7.8.9'])
      expect(out.includes(s)).toBe(false);
  });

  it('masks to Bits Stored and sign-extends signed values', () => {
    // 12 bits stored: 0xF800 has junk in the top 4 bits; 0x0800 is −2048 when signed
    const raw = [0x0800, 0x0fff, 0x0001, 0xf7ff];
    const file = buildDicom({ rows: 1, columns: 4, value: (x) => raw[x]!, signed: true });
    expect(decode(dicomToGray16(file)).values).toEqual([-2048, -1, 1, 2047]);
    const unsigned = buildDicom({ rows: 1, columns: 4, value: (x) => raw[x]! });
    expect(decode(dicomToGray16(unsigned)).values).toEqual([2048, 4095, 1, 2047]);
  });

  it('reads explicit VR big endian and implicit VR little endian into the same little-endian values', () => {
    const spec = { rows: 2, columns: 3, value: (x: number, y: number) => y * 1000 + x * 7 + 256 };
    const le = dicomToGray16(buildDicom(spec));
    const be = dicomToGray16(buildDicom({ ...spec, transferSyntax: '1.2.840.10008.1.2.2' }));
    expect(decode(be).values).toEqual([256, 263, 270, 1256, 1263, 1270]);
    expect(be.equals(le)).toBe(true);
    const implicit = dicomToGray16(buildDicom({ ...spec, transferSyntax: '1.2.840.10008.1.2' }));
    expect(implicit.equals(le)).toBe(true);
  });

  it('keeps MONOCHROME1 and a missing window as such', () => {
    const { header } = decode(
      dicomToGray16(buildDicom({ photometric: 'MONOCHROME1', noWindow: true })),
    );
    expect(header).toMatchObject({
      photometric: 'MONOCHROME1',
      windowCenter: null,
      windowWidth: null,
    });
  });

  it.each([
    [
      { transferSyntax: '1.2.840.10008.1.2.4.90' },
      /transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90 is compressed/,
    ],
    [{ transferSyntax: '1.2.840.10008.1.2.1.99' }, /compressed or unsupported/],
    [{ photometric: 'RGB', samplesPerPixel: 3 }, /photometric interpretation 'RGB' with 3 samples/],
    [{ frames: 4 }, /4 frames: only single-frame/],
  ])('refuses %o', (spec, message) => {
    expect(() => dicomToGray16(buildDicom(spec))).toThrow(DicomRefused);
    expect(() => dicomToGray16(buildDicom(spec))).toThrow(message);
  });

  it('refuses a truncated file with a reason, not a crash', () => {
    const file = buildDicom();
    expect(() => dicomToGray16(file.subarray(0, 200))).toThrow(DicomRefused);
    expect(() => dicomToGray16(file.subarray(0, file.length - 10))).toThrow(DicomRefused);
  });
});
