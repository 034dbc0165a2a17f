import { afterEach, describe, expect, it, vi } from 'vitest';
import { configWithOverrides, loadConfig } from '../../../server/config.ts';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: undefined,
      dataDir: './.tracearena',
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'info',
    });
  });

  it('fails naming every bad variable', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(
      /invalid environment: PORT: .*; LOG_LEVEL: /,
    );
  });

  it('lays overrides over the environment, an undefined one keeping its value', () => {
    const config = loadConfig({ PORT: '9000', HOST: '0.0.0.0' }, { port: 0, host: undefined });
    expect(config).toMatchObject({ port: 0, host: '0.0.0.0' });
  });
});

describe('configWithOverrides', () => {
  afterEach(() => vi.unstubAllEnvs());

  it("reads the process's environment (the CLI's flags laid over it)", () => {
    vi.stubEnv('PORT', '9123');
    vi.stubEnv('TRACEARENA_DATA', '/tmp/ta-config-test');
    expect(configWithOverrides({ dataDir: undefined })).toMatchObject({
      port: 9123,
      dataDir: '/tmp/ta-config-test',
    });
    expect(configWithOverrides({ port: 1 }).port).toBe(1);
  });
});
