import { describe, expect, it } from 'vitest';
import { FileRecordError } from '../../../server/files/record-error.ts';

describe('FileRecordError', () => {
  it('stays one line whatever the file names', () => {
    const err = FileRecordError.field('f.jsonl', 3, 'metadata.a\nb\u2028\ud800', 'x');
    expect(err.message).toBe("f.jsonl:3: field 'metadata.a\\u000ab\\u2028\\ud800': x");
  });

  it('names no field for what no field is to blame, and no line for the whole file', () => {
    expect(new FileRecordError('f.csv', 2, 'invalid CSV: x').message).toBe(
      'f.csv:2: invalid CSV: x',
    );
    expect(new FileRecordError('f.csv', null, 'file not found').message).toBe(
      'f.csv: file not found',
    );
  });
});
