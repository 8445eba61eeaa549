/** A small whole number from a path segment (a milestone position, a delivery round); -1, which matches no row, for anything else. */
export function pathInt(value: string): number {
  return /^\d{1,6}$/.test(value) ? Number(value) : -1;
}
