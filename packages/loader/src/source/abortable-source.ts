/**
 * A source whose every pending read ends when the load's signal aborts. Without it a source that
 * stops sending (an upload stalled by its client) held the load forever: the abort only reached the
 * shards, and the reader sat in `read()` on a stream nobody would ever write to again. On abort the
 * underlying stream is cancelled too, so whoever feeds it learns the load is over.
 */
import type { LoadSource } from '../api.ts';
import { isReadableStream } from './byte-source.ts';

export function abortableSource(source: LoadSource, signal: AbortSignal | undefined): LoadSource {
  if (!signal) return source;
  if (isReadableStream(source)) return fromReader(source.getReader(), signal);
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) {
    const iterable = source as AsyncIterable<unknown>;
    return fromIterator(iterable[Symbol.asyncIterator](), signal) as LoadSource;
  }
  // Bytes in memory, Blobs and sync iterables never wait on anyone.
  return source;
}

/** `pending`, unless `signal` aborts first: then `stop()` runs and the result rejects with the reason. */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal, stop: () => void): Promise<T> {
  if (signal.aborted) {
    stop();
    return Promise.reject(signal.reason);
  }
  // One listener per read, removed when it settles: a shared abort promise raced against every read
  // would collect a reaction per chunk for the whole load.
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      stop();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function fromReader(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal,
): AsyncIterable<Uint8Array> {
  const cancel = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  return {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        untilAborted(reader.read(), signal, cancel).then((result) =>
          result.done
            ? { done: true as const, value: undefined }
            : { done: false as const, value: result.value },
        ),
      return: async () => {
        if (signal.aborted) cancel();
        else await reader.cancel().catch(() => {});
        return { done: true as const, value: undefined };
      },
    }),
  };
}

function fromIterator<T>(iterator: AsyncIterator<T>, signal: AbortSignal): AsyncIterable<T> {
  const stop = () => {
    Promise.resolve(iterator.return?.()).catch(() => {});
  };
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => untilAborted(iterator.next(), signal, stop),
      return: async () => {
        // After an abort `stop` already asked; awaiting again could wait on a read that never ends.
        if (signal.aborted) stop();
        else await iterator.return?.();
        return { done: true as const, value: undefined };
      },
    }),
  };
}
