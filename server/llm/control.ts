/** Why a run stops before its work is done. */
export type StopReason =
  { kind: 'budget' } | { kind: 'failed'; error: string } | { kind: 'cancelled' };

/**
 * A run's stop flag and its lease loop's alarm clock: the loop sleeps until an order ends, a stop
 * is asked for, or its timeout passes, whichever comes first.
 */
export class RunControl {
  stop: StopReason | null = null;
  private wakeResolve: (() => void) | null = null;

  /** `onStop` hears the first reason only. */
  constructor(private readonly onStop: (reason: StopReason) => void) {}

  get stopped(): boolean {
    return this.stop !== null;
  }

  /** Stops the run (the first reason wins) and wakes the loop. */
  requestStop(reason: StopReason): void {
    if (!this.stop) {
      this.stop = reason;
      this.onStop(reason);
    }
    this.wake();
  }

  wake(): void {
    const r = this.wakeResolve;
    this.wakeResolve = null;
    r?.();
  }

  /** Sleeps `ms`, or less if woken. */
  nextWake(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeResolve = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Waits until `done()` holds (checked whenever the loop is woken) or `ms` pass. */
  async waitUntil(done: () => boolean, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!done() && Date.now() < until) await this.nextWake(until - Date.now());
  }
}
