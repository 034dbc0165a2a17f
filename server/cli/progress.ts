import cliProgress from 'cli-progress';

export interface Progress {
  /** Advances by n (default 1). */
  tick(n?: number): void;
  /** Sets the absolute position; `extra` is shown after the bar (e.g. the current phase). */
  update(done: number, extra?: string): void;
  /** Sets a new total (e.g. when a second phase starts). */
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Where the bar goes; only a TTY gets one. Default: process.stderr. */
  stream?: NodeJS.WriteStream;
}

const noop: Progress = { tick() {}, update() {}, setTotal() {}, stop() {} };

/**
 * A progress bar on stderr for long CLI work, or a no-op when stderr is not a terminal, so that
 * piped output and logs stay clean. Redraws at most ~10 times a second whatever the tick rate.
 */
export function createProgress({
  label,
  total,
  stream = process.stderr,
}: ProgressOptions): Progress {
  if (!stream.isTTY) return noop;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} {extra}`,
      fps: 10,
      etaBuffer: 50,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  bar.start(total, 0, { extra: '' });
  return {
    tick(n = 1) {
      done += n;
      bar.update(done);
    },
    update(value, extra) {
      done = value;
      bar.update(value, extra === undefined ? undefined : { extra });
    },
    setTotal(t) {
      bar.setTotal(t);
    },
    stop() {
      bar.stop();
    },
  };
}
