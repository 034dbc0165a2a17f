import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../process-alive.ts';

/**
 * PGlite is a single-process database: two processes on one data folder would corrupt it. A lock
 * file holding the owner's pid refuses the second one with a clear message (a stale lock, whose
 * process is gone, is taken over).
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'tracearena.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) {
        throw new Error(
          `the data folder ${dataDir} is in use by process ${pid}; stop it first, or use PostgreSQL (DATABASE_URL) to run several processes`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock the data folder ${dataDir}`);
}
