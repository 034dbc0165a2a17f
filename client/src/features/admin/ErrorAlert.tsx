/** A panel's error line, announced to screen readers; nothing when there is no error. */
export function ErrorAlert({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
