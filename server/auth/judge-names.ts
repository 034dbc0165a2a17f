/**
 * The names `invite --count N` gives: `judge-<n>`, numbered on from the highest such name the
 * study already has, so a second bulk invite adds judges instead of colliding with the first.
 */
export function numberedJudgeNames(existing: Iterable<string>, count: number): string[] {
  let highest = 0;
  for (const name of existing) {
    const match = /^judge-(\d+)$/.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return Array.from({ length: count }, (_, i) => `judge-${highest + i + 1}`);
}
