/**
 * Reads a byte stream in batches: every chunk that arrives before the event loop turns over joins
 * the first one, so a burst of small TCP reads leaves as one WebSocket message instead of one each.
 *
 * Why: PostgreSQL flushes its socket at every Sync, so a pipelined client's answers come as one small
 * TCP read each (tens of bytes) whenever the proxy keeps up. Forwarding each read as its own message
 * makes every hop behind it (the runtime's frame writer, the client's frame parser, its write per
 * delivery) pay per query instead of per burst. Waiting one turn costs a lone query no more than a
 * timer tick: the first chunk is never held for data that is not already on its way.
 */

/** Resolves after the runtime has had a chance to deliver I/O that is already waiting. */
export type NextTurn = () => Promise<void>;

export const nextTurn: NextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface ReadBatchesOptions {
  /** A batch is sent once it holds this many bytes, even if more is waiting. */
  maxBatchBytes: number;
  turn?: NextTurn;
}

const TURNED = Symbol('turned');

/** Joins `chunks` (`bytes` long in all) into one array; a lone chunk is passed through uncopied. */
export function joinChunks(chunks: readonly Uint8Array[], bytes: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.byteLength;
  }
  return joined;
}

/**
 * Calls `send` with each batch until the stream ends (resolves) or fails (rejects), or until
 * `stopped()` says the caller is done. `send` may return a promise to hold the next read
 * (backpressure).
 */
export async function pumpReadBatches(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  send: (batch: Uint8Array) => Promise<void> | undefined,
  stopped: () => boolean,
  options: ReadBatchesOptions,
): Promise<void> {
  const turn = options.turn ?? nextTurn;
  let next = reader.read();
  for (;;) {
    const first = await next;
    if (first.done || stopped()) return;
    const chunks = [first.value];
    let bytes = first.value.byteLength;
    let ended = false;
    next = reader.read();
    while (bytes < options.maxBatchBytes) {
      const more = await Promise.race([next, turn().then((): typeof TURNED => TURNED)]);
      if (more === TURNED) break;
      if (more.done) {
        ended = true;
        break;
      }
      chunks.push(more.value);
      bytes += more.value.byteLength;
      next = reader.read();
    }
    if (stopped()) break;
    const held = send(joinChunks(chunks, bytes));
    if (held) await held;
    if (ended) return;
  }
  // Stopped with a read still pending: the caller cancels the reader, which settles it; a rejection
  // then is expected and not the caller's concern.
  next.catch(() => {});
}
