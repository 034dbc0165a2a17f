import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Whether this machine can start a throw-away PostgreSQL cluster (the server binaries are installed). */
export function canStartCluster(): boolean {
  return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
}

export interface PgCluster {
  /** postgres://… of the cluster's `postgres` database. */
  url: string;
  port: number;
  /** `pg_ctl stop`: every connection is cut. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart`: every connection is cut, and the server is back when this resolves. */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the cluster and deletes its folder. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL cluster owned by one test, in a temporary folder on a free port, so the test may
 * stop and restart it. initdb refuses to run as root: as root (CI), the binaries run as the
 * `postgres` system user through runuser.
 */
export async function startCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ta-pg-'));
  const asRoot = process.getuid?.() === 0;
  const pg = async (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args]]
      : [join(BIN, tool), args];
    await run(cmd, argv, { timeout: 60_000 });
  };
  if (asRoot) {
    const { uid, gid } = await run('id', ['postgres']).then(({ stdout }) => ({
      uid: Number(/uid=(\d+)/.exec(stdout)?.[1]),
      gid: Number(/gid=(\d+)/.exec(stdout)?.[1]),
    }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  // Unix socket in the cluster's own folder; no fsync: the data is thrown away.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const log = join(dir, 'log');
  const ctl = (action: string, extra: string[] = []) =>
    pg('pg_ctl', [action, '-D', data, '-w', '-t', '60', '-l', log, '-o', options, ...extra]);
  await ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: (mode = 'fast') => ctl('stop', ['-m', mode]),
    start: () => ctl('start'),
    restart: (mode = 'fast') => ctl('restart', ['-m', mode]),
    async destroy() {
      await ctl('stop', ['-m', 'immediate']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
