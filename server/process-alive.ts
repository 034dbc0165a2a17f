/**
 * Whether a process with this pid still runs: the data folder's lock and its server record
 * (server/db/data-lock.ts, server/cli/running-server.ts) hold a pid that may have died without
 * cleaning up. EPERM means it runs under another user.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
