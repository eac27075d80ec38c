/** A source that never ends its row: `head`, then `fill` repeated (up to `max` bytes), counting what was read. */
const MiB = 1024 * 1024;

export function endless(head: string, fill: string, max = 1024 * MiB) {
  const counter = { bytes: 0 };
  const piece = new TextEncoder().encode(fill.repeat(Math.ceil(MiB / fill.length)));
  async function* source(): AsyncGenerator<Uint8Array> {
    const first = new TextEncoder().encode(head);
    counter.bytes += first.length;
    yield first;
    while (counter.bytes < max) {
      counter.bytes += piece.length;
      yield piece;
    }
  }
  return { source: source(), counter };
}
