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
  /** Stored value at (x, y); 12 bits stored in 16 allocated. Default: a horizontal ramp 0..4000. */
  value?: (x: number, y: number, columns: number) => number;
}

const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

function element(group: number, el: number, vr: string, value: Buffer): Buffer {
  const padded =
    value.length % 2 === 0
      ? value
      : Buffer.concat([value, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]);
  const long = LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(el, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(padded.length, 8);
  else head.writeUInt16LE(padded.length, 6);
  return Buffer.concat([head, padded]);
}
const str = (s: string) => Buffer.from(s, 'latin1');
const us = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};

export function buildDicom(spec: DicomSpec = {}): Buffer {
  const rows = spec.rows ?? 48;
  const columns = spec.columns ?? 64;
  const value = spec.value ?? ((x, _y, c) => Math.round((x / (c - 1)) * 4000));
  const pixels = Buffer.alloc(rows * columns * 2);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++)
      pixels.writeUInt16LE(value(x, y, columns), (y * columns + x) * 2);
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', str('1.2.840.10008.5.1.4.1.1.7')),
    element(0x0002, 0x0003, 'UI', str('1.2.3.4.5.6.7.8.9')),
    element(0x0002, 0x0010, 'UI', str(spec.transferSyntax ?? '1.2.840.10008.1.2.1')),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length);
  const dataset = Buffer.concat([
    element(0x0008, 0x0080, 'LO', str(spec.institution ?? 'St Elsewhere Hospital')),
    element(0x0010, 0x0010, 'PN', str(spec.patientName ?? 'Doe^Jane')),
    element(0x0010, 0x0020, 'LO', str(spec.patientId ?? 'PID-0042-XYZ')),
    element(0x0028, 0x0002, 'US', us(1)),
    element(0x0028, 0x0004, 'CS', str('MONOCHROME2')),
    element(0x0028, 0x0010, 'US', us(rows)),
    element(0x0028, 0x0011, 'US', us(columns)),
    element(0x0028, 0x0100, 'US', us(16)),
    element(0x0028, 0x0101, 'US', us(12)),
    element(0x0028, 0x0102, 'US', us(11)),
    element(0x0028, 0x0103, 'US', us(0)),
    element(0x0028, 0x1050, 'DS', str(String(spec.windowCenter ?? 976))),
    element(0x0028, 0x1051, 'DS', str(String(spec.windowWidth ?? 4000))),
    element(0x0028, 0x1052, 'DS', str(String(spec.rescaleIntercept ?? -1024))),
    element(0x0028, 0x1053, 'DS', str('1')),
    element(0x7fe0, 0x0010, 'OW', pixels),
  ]);
  return Buffer.concat([
    Buffer.alloc(128),
    str('DICM'),
    element(0x0002, 0x0000, 'UL', groupLength),
    metaBody,
    dataset,
  ]);
}
