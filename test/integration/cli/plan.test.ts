import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/processes.ts';

/** `tracearena plan power`: the sample-size calculator (server/stats/sample-size.ts). */
describe('tracearena plan power', () => {
  const design = ['plan', 'power', '--rate', '0.6', '--icc', '0.2', '--verdicts-per-item', '3'];

  it('prints the items for a half-width and for a power', async () => {
    const hw = await runCli([...design, '--half-width', '0.05']);
    expect(hw.code).toBe(0);
    expect(hw.stdout).toMatch(/^items needed: 173 \(519 verdicts\)/);
    expect(hw.stdout).toContain('design effect 1.400');
    expect(hw.stdout).toContain('cluster-Wilson, t on 172 degrees of freedom');
    const power = await runCli([...design, '--power', '0.8', '--alpha', '0.05']);
    expect(power.code).toBe(0);
    expect(power.stdout).toMatch(/^items needed: 93 \(279 verdicts\) for power 0\.804/);
  });

  it('refuses bad flags in one line with exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[...design, '--half-width', '0.05', '--power', '0.8'], /exactly one of/],
      [[...design.slice(0, 3), '1.2', ...design.slice(4), '--half-width', '0.05'], /'--rate'/],
      [[...design.slice(0, 7), 'two', '--half-width', '0.05'], /'--verdicts-per-item'/],
      [[...design, '--half-width', 'abc'], /'--half-width': expected a number in \(0, 0\.5\)/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
