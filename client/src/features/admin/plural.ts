/** "1 image", "2 images": a count with its noun, plural by adding s unless `many` is given. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
