/**
 * Every byte-shaped source as one async iterable of Uint8Array chunks, gunzipped when its first bytes
 * are gzip's magic number (so `.csv.gz` needs no flag). Web-standard APIs only: DecompressionStream
 * does the inflating, which every modern runtime has.
 */

export type ByteInput =
  | Uint8Array
  | string
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

export interface OpenedBytes {
  /** The (decompressed) chunks. Iterate it once; finishing or leaving the loop releases the source. */
  readonly stream: AsyncIterable<Uint8Array>;
  /** True once the first chunk showed gzip's magic bytes. */
  readonly gzip: boolean;
  /** Decompressed bytes handed out so far. */
  readonly bytesRead: number;
  /** Stops reading and cancels the underlying stream (a pending read ends). Idempotent. */
  close(): Promise<void>;
}

/** Where chunks come from, whatever the source's shape. */
interface Puller {
  next(): Promise<IteratorResult<Uint8Array | string, unknown>>;
  cancel(): Promise<void>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function openBytes(source: ByteInput): OpenedBytes {
  const raw = pullerOf(source);
  let active: Puller = raw;
  let closed = false;
  let started = false;
  let gzip = false;
  let bytesRead = 0;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Cancelling the outermost stream also cancels what feeds it (a gunzip pipe cancels the source).
    await active.cancel().catch(() => {});
    if (active !== raw) await raw.cancel().catch(() => {});
  };

  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (started) throw new TypeError('openBytes: the stream can be iterated only once');
    started = true;
    try {
      const head = await readHead(raw);
      if (head === null) return;
      if (head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
        gzip = true;
        active = gunzip(head, raw);
      } else {
        bytesRead += head.length;
        yield head;
      }
      for (;;) {
        if (closed) return;
        let result: IteratorResult<Uint8Array | string, unknown>;
        try {
          result = await active.next();
        } catch (error) {
          if (closed) return; // a read cut short by close()
          throw error;
        }
        if (result.done) return;
        const chunk = asBytes(result.value);
        if (chunk.length === 0) continue;
        bytesRead += chunk.length;
        yield chunk;
      }
    } finally {
      await close();
    }
  }

  return {
    stream: { [Symbol.asyncIterator]: chunks },
    get gzip() {
      return gzip;
    },
    get bytesRead() {
      return bytesRead;
    },
    close,
  };
}

/** The first bytes, at least two of them unless the source is shorter; null for an empty source. */
async function readHead(puller: Puller): Promise<Uint8Array | null> {
  let head: Uint8Array | null = null;
  while (head === null || head.length < 2) {
    const result = await puller.next();
    if (result.done) break;
    const chunk = asBytes(result.value);
    if (chunk.length === 0) continue;
    head = head === null ? chunk : concat(head, chunk);
  }
  return head;
}

/** The gunzipped stream of `head` followed by the rest of `raw`. */
function gunzip(head: Uint8Array, raw: Puller): Puller {
  let headSent = false;
  const compressed = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headSent) {
          headSent = true;
          controller.enqueue(head);
          return;
        }
        const result = await raw.next();
        if (result.done) controller.close();
        else controller.enqueue(asBytes(result.value));
      },
      cancel: () => raw.cancel(),
    },
    { highWaterMark: 0 },
  );
  // lib.dom types the writable side as BufferSource, which Uint8Array chunks are.
  const inflate = new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  return readerPuller(compressed.pipeThrough(inflate));
}

function pullerOf(source: ByteInput): Puller {
  if (source instanceof Uint8Array) return onePuller(source);
  if (typeof source === 'string') return onePuller(new TextEncoder().encode(source));
  if (typeof Blob !== 'undefined' && source instanceof Blob) return readerPuller(source.stream());
  if (isReadableStream(source)) return readerPuller(source);
  if (isAsyncIterable(source)) return iteratorPuller(source[Symbol.asyncIterator]());
  if (isIterable(source)) return iteratorPuller(source[Symbol.iterator]());
  throw new TypeError('openBytes: not a byte source (Uint8Array, string, Blob, ReadableStream or iterable)');
}

function onePuller(bytes: Uint8Array): Puller {
  let done = false;
  return {
    next: async () => {
      if (done) return { done: true, value: undefined };
      done = true;
      return { done: false, value: bytes };
    },
    cancel: async () => {
      done = true;
    },
  };
}

function readerPuller(stream: ReadableStream<Uint8Array>): Puller {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array, unknown>>,
    cancel: () => reader.cancel(),
  };
}

function iteratorPuller(
  iterator: AsyncIterator<Uint8Array | string> | Iterator<Uint8Array | string>,
): Puller {
  let finished = false;
  return {
    next: async () => {
      if (finished) return { done: true, value: undefined };
      const result = await iterator.next();
      if (result.done) finished = true;
      return result;
    },
    cancel: async () => {
      if (finished) return;
      finished = true;
      await iterator.return?.();
    },
  };
}

/** Node streams set to an encoding yield strings; treat them as their UTF-8 bytes. */
function asBytes(chunk: Uint8Array | string): Uint8Array {
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(`byte source yielded a ${Object.prototype.toString.call(chunk)}, not a Uint8Array`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

export function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && value instanceof ReadableStream;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isIterable(value: unknown): value is Iterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}
