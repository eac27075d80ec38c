/**
 * Appends `item` and returns the list to keep: a first item gets an array of exactly one slot, where
 * push() onto an empty array reserves 17. Per-statement lists (rows, results, a Sync segment's
 * statements) mostly hold one item, and at 20k pipelined statements the spare slots were most of the
 * garbage.
 */
export function append<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}
