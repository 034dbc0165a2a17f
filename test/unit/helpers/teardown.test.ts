import { describe, expect, it, vi } from 'vitest';
import { teardown } from '../../helpers/teardown.ts';

const never = () => new Promise<void>(() => undefined);

describe('teardown (test helper)', () => {
  it('names a critical step that hangs, after running the steps behind it', async () => {
    const last = vi.fn(async () => undefined);
    await expect(
      teardown(
        [
          { name: 'closing the app', run: never, critical: true },
          { name: 'destroying the cluster', run: last },
        ],
        50,
      ),
    ).rejects.toThrow('teardown: closing the app did not finish in 0.05 s');
    expect(last).toHaveBeenCalledOnce();
  });

  it('passes over test machinery that hangs or fails, with a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await teardown(
      [
        { name: 'closing Chromium', run: never },
        {
          name: 'destroying the cluster',
          run: () => Promise.reject(new Error('pg_ctl: no server')),
        },
      ],
      50,
    );
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'teardown: closing Chromium did not finish in 0.05 s (test machinery: passed over)',
      'teardown: destroying the cluster failed: pg_ctl: no server (test machinery: passed over)',
    ]);
    warn.mockRestore();
  });
});
