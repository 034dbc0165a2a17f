import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  TRACEARENA_DATA: z.string().min(1).default('./.tracearena'),
  TRACEARENA_LEASE_SECONDS: z.coerce.number().int().min(5).optional(),
  TRACEARENA_PUBLIC_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = Readonly<{
  databaseUrl: string | undefined;
  dataDir: string;
  leaseSecondsOverride: number | undefined;
  publicUrl: string | undefined;
  port: number;
  host: string;
  logLevel: string;
}>;

/** The database the config names: PostgreSQL when a URL is set, else PGlite in the data folder. */
export function databaseTarget(config: Config): { databaseUrl: string } | { dataDir: string } {
  return config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };
}

/** Parses the environment once; fails listing every problem. Nothing else reads process.env. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Config> = {},
): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.TRACEARENA_DATA,
    leaseSecondsOverride: e.TRACEARENA_LEASE_SECONDS,
    publicUrl: e.TRACEARENA_PUBLIC_URL,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  });
}
