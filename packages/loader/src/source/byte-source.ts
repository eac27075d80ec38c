/**
 * Every byte-shaped source as one async iterable of Uint8Array chunks, gunzipped when its first bytes
 * are gzip's magic number (so `.csv.gz` needs no flag). Web-standard APIs only: DecompressionStream
 * does the inflating, which every modern runtime has.
 *
 * A gzip stream that breaks (truncated, corrupt data, a wrong CRC) is a SourceError naming the
 * decompressed offset, told apart from a failure of the source itself (which passes through as it
 * is). Corruption is often caught only by the CRC at the end, after garbage has come out: the last
 * GZIP_HOLD_BYTES decompressed are held back until the stream has ended cleanly, so a small file is
 * verified whole before any row of it is parsed (a bit flip is reported as such, not as the bad row
 * the garbage makes), and a large one fails its load at the end, which then rolls back.
 *
 * Chunks may be lent: a source may read into two buffers in turn (fileSource in node.ts), so the
 * loader is done with a chunk, or has copied what it keeps of it (ByteWindow), before it asks for the
 * chunk after the next one. Nothing reads ahead between the source and the parser; the one place that
 * would hold chunks longer, the gunzip pipe (it inflates asynchronously), gets copies.
 */
import { SourceError } from '../errors.ts';

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
/** Decompressed bytes not handed out before the gzip stream has been checked to its end. */
export const GZIP_HOLD_BYTES = 1 << 20;

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
      // Gzip: decompressed chunks not handed out yet (see GZIP_HOLD_BYTES).
      const held: Uint8Array[] = [];
      let heldBytes = 0;
      let produced = 0;
      for (;;) {
        if (closed) return;
        let result: IteratorResult<Uint8Array | string, unknown>;
        try {
          result = await active.next();
        } catch (error) {
          if (closed) return; // a read cut short by close()
          throw gzip ? gunzipError(error, produced) : error;
        }
        if (result.done) break;
        const chunk = asBytes(result.value);
        if (chunk.length === 0) continue;
        if (!gzip) {
          bytesRead += chunk.length;
          yield chunk;
          continue;
        }
        produced += chunk.length;
        held.push(chunk);
        heldBytes += chunk.length;
        while (heldBytes - held[0]!.length >= GZIP_HOLD_BYTES) {
          const out = held.shift()!;
          heldBytes -= out.length;
          bytesRead += out.length;
          yield out;
        }
      }
      // The stream ended cleanly (for gzip: its CRC and length checked): the rest can go.
      for (const out of held.splice(0)) {
        bytesRead += out.length;
        yield out;
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

/** Thrown through the gunzip pipe when the compressed source itself fails: passed on as it is. */
class SourceFailure {
  constructor(readonly error: unknown) {}
}

/**
 * The gunzipped stream of `head` followed by the rest of `raw`. A failure of `raw` reaches the reader
 * wrapped in a SourceFailure, so anything else the pipe throws is the decompressor's.
 */
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
        let result: IteratorResult<Uint8Array | string, unknown>;
        try {
          result = await raw.next();
        } catch (error) {
          controller.error(new SourceFailure(error));
          return;
        }
        if (result.done) controller.close();
        // A copy: the pipe may still be inflating it when the source reuses a lent buffer.
        else controller.enqueue(asBytes(result.value).slice());
      },
      cancel: () => raw.cancel(),
    },
    { highWaterMark: 0 },
  );
  // lib.dom types the writable side as BufferSource, which Uint8Array chunks are.
  const inflate = new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  return readerPuller(compressed.pipeThrough(inflate));
}

/**
 * What a failed read of the gunzipped stream means: the source's own error, or the gzip data is bad.
 * Node's zlib says which with a code (Z_BUF_ERROR: the input ended early); other runtimes do not.
 */
function gunzipError(error: unknown, produced: number): unknown {
  if (error instanceof SourceFailure) return error.error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const detail = error instanceof Error ? ` (${error.message})` : '';
  const at = `${produced} decompressed bytes`;
  if (code === 'Z_BUF_ERROR') {
    return new SourceError(
      `the gzip stream is truncated: it ends after ${at}, before its end${detail}; the file is incomplete`,
      produced,
      'truncated',
      { cause: error },
    );
  }
  if (code === 'Z_DATA_ERROR') {
    return new SourceError(`the gzip stream is corrupt after ${at}${detail}`, produced, 'corrupt', {
      cause: error,
    });
  }
  return new SourceError(
    `the gzip stream is truncated or corrupt after ${at}${detail}`,
    produced,
    'unreadable',
    {
      cause: error,
    },
  );
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
