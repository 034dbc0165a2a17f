import { percent, type RunFiguresInput } from './run-figures.ts';

/** A run's done / total with its bar: the same cell on the admin page and the dashboard. */
export function RunDone({ run }: { run: RunFiguresInput }) {
  return (
    <>
      <span data-testid="run-done">
        {run.done} / {run.total}
      </span>{' '}
      <span className="hint">{percent(run)}</span>
      <br />
      <progress
        max={Math.max(1, run.total)}
        value={run.done + run.failed}
        aria-label="run progress"
      />
    </>
  );
}
