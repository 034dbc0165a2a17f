/**
 * One teardown step: `critical` steps are the product's own shutdown (the app, the database), whose
 * hang is a bug to report; the others are test machinery (a browser, a scratch PostgreSQL), whose
 * hang is logged and passed over so that it cannot fail a suite whose tests all passed.
 */
export interface TeardownStep {
  name: string;
  run: () => Promise<unknown> | undefined;
  critical?: boolean;
}

/**
 * Runs every step in order, each within `limitMs`, so one that hangs is named (instead of the
 * whole hook timing out with no word of which step it was) and the rest still run. Throws, after
 * all steps, if a critical step failed or hung.
 */
export async function teardown(steps: TeardownStep[], limitMs = 30_000): Promise<void> {
  const failures: string[] = [];
  for (const step of steps) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), limitMs);
    });
    const outcome = await Promise.race([
      Promise.resolve(step.run()).then(
        () => 'done' as const,
        (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
      limit,
    ]).finally(() => clearTimeout(timer));
    if (outcome === 'done') continue;
    const line = `teardown: ${step.name} ${outcome === 'hung' ? `did not finish in ${limitMs / 1000} s` : outcome}`;
    if (step.critical) failures.push(line);
    else console.warn(`${line} (test machinery: passed over)`);
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
}
