/**
 * A minimal DICOM Part 10 file, written by the tests themselves (explicit VR little endian, or a
 * compressed transfer syntax's UID to test the refusal), with made-up pixels and identifying
 * tags filled in so a test can prove none of them reaches a judge.
 */
export interface DicomSpec {
  rows?: number;
  columns?: number;
  transferSyntax?: string;
  patientName?: string;
  patientId?: string;
  institution?: string;
  windowCenter?: number;
  windowWidth?: number;
  rescaleIntercept?: number;
  photometric?: string;
  samplesPerPixel?: number;
  /** Pixel Representation 1: stored values are two's complement in Bits Stored bits. */
  signed?: boolean;
  bitsStored?: number;
  frames?: number;
  /** Leave out Window Center/Width. */
  noWindow?: boolean;
  /** Stored value at (x, y); 12 bits stored in 16 allocated. Default: a horizontal ramp 0..4000. */
  value?: (x: number, y: number, columns: number) => number;
}

const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

type Mode = 'le' | 'be' | 'implicit';

function element(group: number, el: number, vr: string, value: Buffer, mode: Mode = 'le'): Buffer {
  const be = mode === 'be';
  const padded =
    value.length % 2 === 0
      ? value
      : Buffer.concat([value, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]);
  if (mode === 'implicit') {
    // implicit VR little endian: tag, 32-bit length, value (the reader knows the VRs)
    const head = Buffer.alloc(8);
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(el, 2);
    head.writeUInt32LE(padded.length, 4);
    return Buffer.concat([head, padded]);
  }
  const long = LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  if (be) {
    head.writeUInt16BE(group, 0);
    head.writeUInt16BE(el, 2);
  } else {
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(el, 2);
  }
  head.write(vr, 4, 'latin1');
  if (long) head[be ? 'writeUInt32BE' : 'writeUInt32LE'](padded.length, 8);
  else head[be ? 'writeUInt16BE' : 'writeUInt16LE'](padded.length, 6);
  return Buffer.concat([head, padded]);
}
const str = (s: string) => Buffer.from(s, 'latin1');
const us = (n: number, be = false) => {
  const b = Buffer.alloc(2);
  if (be) b.writeUInt16BE(n);
  else b.writeUInt16LE(n);
  return b;
};

export function buildDicom(spec: DicomSpec = {}): Buffer {
  const rows = spec.rows ?? 48;
  const columns = spec.columns ?? 64;
  // explicit VR big endian (retired, still read): the data set after the file meta is big-endian
  const mode: Mode =
    spec.transferSyntax === '1.2.840.10008.1.2.2'
      ? 'be'
      : spec.transferSyntax === '1.2.840.10008.1.2'
        ? 'implicit'
        : 'le';
  const be = mode === 'be';
  const value = spec.value ?? ((x, _y, c) => Math.round((x / (c - 1)) * 4000));
  const pixels = Buffer.alloc(rows * columns * 2);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++)
      pixels[be ? 'writeUInt16BE' : 'writeUInt16LE'](value(x, y, columns), (y * columns + x) * 2);
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', str('1.2.840.10008.5.1.4.1.1.7')),
    element(0x0002, 0x0003, 'UI', str('1.2.3.4.5.6.7.8.9')),
    element(0x0002, 0x0010, 'UI', str(spec.transferSyntax ?? '1.2.840.10008.1.2.1')),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length);
  const dataset = Buffer.concat([
    element(0x0008, 0x0080, 'LO', str(spec.institution ?? 'St Elsewhere Hospital'), mode),
    element(0x0010, 0x0010, 'PN', str(spec.patientName ?? 'Doe^Jane'), mode),
    element(0x0010, 0x0020, 'LO', str(spec.patientId ?? 'PID-0042-XYZ'), mode),
    element(0x0028, 0x0002, 'US', us(spec.samplesPerPixel ?? 1, be), mode),
    element(0x0028, 0x0004, 'CS', str(spec.photometric ?? 'MONOCHROME2'), mode),
    ...(spec.frames ? [element(0x0028, 0x0008, 'IS', str(String(spec.frames)), mode)] : []),
    element(0x0028, 0x0010, 'US', us(rows, be), mode),
    element(0x0028, 0x0011, 'US', us(columns, be), mode),
    element(0x0028, 0x0100, 'US', us(16, be), mode),
    element(0x0028, 0x0101, 'US', us(spec.bitsStored ?? 12, be), mode),
    element(0x0028, 0x0102, 'US', us((spec.bitsStored ?? 12) - 1, be), mode),
    element(0x0028, 0x0103, 'US', us(spec.signed ? 1 : 0, be), mode),
    ...(spec.noWindow
      ? []
      : [
          element(0x0028, 0x1050, 'DS', str(String(spec.windowCenter ?? 976)), mode),
          element(0x0028, 0x1051, 'DS', str(String(spec.windowWidth ?? 4000)), mode),
        ]),
    element(0x0028, 0x1052, 'DS', str(String(spec.rescaleIntercept ?? -1024)), mode),
    element(0x0028, 0x1053, 'DS', str('1'), mode),
    element(0x7fe0, 0x0010, 'OW', pixels, mode),
  ]);
  return Buffer.concat([
    Buffer.alloc(128),
    str('DICM'),
    element(0x0002, 0x0000, 'UL', groupLength),
    metaBody,
    dataset,
  ]);
}
