/** Phrases the text formats share, so the table, Markdown, LaTeX and HTML captions say the same. */

/**
 * What the ranking's 0 is: "<base> fixed at 0". Never "base <name> = 0", which read "base base = 0"
 * for a system named "base".
 */
export function anchorText(base: string | null): string {
  return base === null ? 'no base system' : `${base} fixed at 0`;
}
