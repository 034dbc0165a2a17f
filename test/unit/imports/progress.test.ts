import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../server/cli/progress.ts';

describe('createProgress', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (c: Buffer) => (written += c.toString()));
    const bar = createProgress({ label: 'importing', total: 10, stream });
    bar.tick(3);
    bar.update(5, 'x');
    bar.stop();
    expect(written).toBe('');
  });

  it('draws a bar on a terminal', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean };
    stream.isTTY = true;
    Object.assign(stream, {
      columns: 80,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    let written = '';
    (stream as unknown as PassThrough).on('data', (c: Buffer) => (written += c.toString()));
    const bar = createProgress({ label: 'importing', total: 10, stream });
    bar.update(10);
    bar.stop();
    expect(written).toContain('importing');
    expect(written).toContain('10/10');
  });
});
