import { z } from 'zod';

/** The official endpoints, as the SDKs call them when no base URL is given. */
export const DEFAULT_LLM_ENDPOINTS = ['https://api.openai.com/v1', 'https://api.anthropic.com'];
export const DEFAULT_LLM_KEY_ENVS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'];

/**
 * A base URL as compared with the allowlist: http(s) only, without credentials or a trailing
 * slash (scheme and host lower-cased, default port dropped, by URL itself). Null when not one.
 */
export function normalizeEndpoint(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
}

const csv = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function endpointOrIssue(url: string, ctx: z.RefinementCtx): string {
  const normalized = normalizeEndpoint(url);
  if (normalized === null) ctx.addIssue({ code: 'custom', message: `not an http(s) URL: ${url}` });
  return normalized ?? url;
}

/**
 * PostgreSQL connections a server process opens at most (TRACEARENA_DB_POOL). Measured with
 * `npm run bench:judging` on 2 cores with PostgreSQL on the same machine: 8 connections did
 * 148-167 judging cycles/s at 50 judges where 20 did 70-122 (and 151 against 128 at 200 judges),
 * more backends than cores only contending; with more cores, or PostgreSQL elsewhere, raise it.
 */
export const DEFAULT_DB_POOL = 8;

const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  TRACEARENA_DATA: z.string().min(1).default('./.tracearena'),
  TRACEARENA_LEASE_SECONDS: z.coerce.number().int().min(5).optional(),
  /** PostgreSQL connections per process (see server/db/client.ts for the default's measurement). */
  TRACEARENA_DB_POOL: z.coerce.number().int().min(1).max(1000).default(DEFAULT_DB_POOL),
  TRACEARENA_PUBLIC_URL: z.string().url().optional(),
  /** The server the CLI works through (`--server`), with the token in TRACEARENA_TOKEN. */
  TRACEARENA_SERVER: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests a minute per token (judge or admin); 0 turns the limit off. See server/web/rate-limit.ts. */
  TRACEARENA_RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(0).default(3000),
  /** Requests a minute per client address for requests without a token; 0 turns it off. */
  TRACEARENA_RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(60_000),
  /** LLM provider base URLs runs may call, comma-separated (the server's key is sent there). */
  TRACEARENA_LLM_ENDPOINTS: z
    .string()
    .default(DEFAULT_LLM_ENDPOINTS.join(','))
    .transform((s, ctx) => csv(s).map((url) => endpointOrIssue(url, ctx))),
  /** Environment variables runs may read an LLM API key from, comma-separated. */
  TRACEARENA_LLM_KEY_ENVS: z
    .string()
    .default(DEFAULT_LLM_KEY_ENVS.join(','))
    .transform((s) => csv(s))
    .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'))),
});

export type Config = Readonly<{
  databaseUrl: string | undefined;
  dataDir: string;
  /** PostgreSQL connections per process (TRACEARENA_DB_POOL). */
  dbPool: number;
  leaseSecondsOverride: number | undefined;
  publicUrl: string | undefined;
  /** The server the CLI's verbs work through instead of the database (TRACEARENA_SERVER, --server). */
  serverUrl: string | undefined;
  port: number;
  host: string;
  logLevel: string;
  /** Requests a minute per token and, for requests without one, per address (0: off). */
  rateLimit: Readonly<{ perToken: number; perIp: number }>;
  /** Normalised (see normalizeEndpoint) base URLs LLM runs may use. */
  llmEndpoints: readonly string[];
  /** Names of the environment variables LLM runs may take an API key from. */
  llmKeyEnvs: readonly string[];
}>;

/** The database the config names: PostgreSQL when a URL is set, else PGlite in the data folder. */
export function databaseTarget(
  config: Config,
): { databaseUrl: string; pool: number } | { dataDir: string } {
  return config.databaseUrl
    ? { databaseUrl: config.databaseUrl, pool: config.dbPool }
    : { dataDir: config.dataDir };
}

/**
 * An LLM API key by the name of its variable (one of llmKeyEnvs), read when a run starts so that a
 * key never sits in the Config, which is logged and passed around.
 */
export function readLlmApiKey(name: string): string | undefined {
  return process.env[name];
}

/**
 * The token the CLI sends to TRACEARENA_SERVER (`--token` overrides it), read when needed so that
 * it never sits in the Config.
 */
export function readServerToken(): string | undefined {
  return process.env.TRACEARENA_TOKEN;
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
    dbPool: e.TRACEARENA_DB_POOL,
    leaseSecondsOverride: e.TRACEARENA_LEASE_SECONDS,
    publicUrl: e.TRACEARENA_PUBLIC_URL,
    serverUrl: e.TRACEARENA_SERVER,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    rateLimit: Object.freeze({
      perToken: e.TRACEARENA_RATE_LIMIT_PER_TOKEN,
      perIp: e.TRACEARENA_RATE_LIMIT_PER_IP,
    }),
    llmEndpoints: Object.freeze(e.TRACEARENA_LLM_ENDPOINTS),
    llmKeyEnvs: Object.freeze(e.TRACEARENA_LLM_KEY_ENVS),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  });
}

/** The process's configuration with the CLI's flags laid over it (a flag not given is undefined). */
export function configWithOverrides(overrides: Partial<Config>): Config {
  return loadConfig(process.env, overrides);
}
