/**
 * @haul/loader/node — Node-only helpers around the runtime-agnostic loader: files and stdin as load
 * sources (streamed through fs, never read whole), writing an export to a Node stream with
 * backpressure, and `loadFile` / `exportToFile` with the Node socket adapter already plugged in.
 */
import { createWriteStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { connect } from '@haul/protocol/node';
import type { ExportOptions, LoadOptions, LoadReport } from './api.ts';
import { exportRows, load } from './index.ts';

export { connect };

/**
 * Bytes per read from a file: large enough to keep syscalls off the profile, small enough that the
 * read buffers that become garbage between GCs stay a small part of peak memory (M1, measured).
 */
const FILE_READ_BYTES = 256 << 10;

/**
 * What an export file buffers before write() asks to wait. While one write is in flight the chunks
 * after it gather and go out together (one writev), where the default 16 KiB would hold every 64 KiB
 * chunk back until the one before it reached the file.
 */
const FILE_WRITE_BUFFER = 1 << 20;

/** The file an export writes into (created or truncated), buffered as above. */
export function createExportFile(path: string): Writable {
  return createWriteStream(path, { highWaterMark: FILE_WRITE_BUFFER });
}

/**
 * A Node byte stream as plain Uint8Array chunks: views over each Buffer, so the loader never meets
 * Buffer's different `slice` semantics. Stopping the iteration (a failed or aborted load) destroys
 * the stream, which closes the file, and ends a read still waiting: an async generator could not
 * (its `return()` queues behind the pending `next()`, which a quiet stdin never answers).
 */
export function readableSource(stream: Readable): AsyncIterableIterator<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  return {
    async next() {
      const result = await chunks.next();
      if (result.done) return { done: true, value: undefined };
      const chunk = result.value;
      if (typeof chunk === 'string') throw new TypeError('expected a byte stream, got text chunks');
      return { done: false, value: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
    },
    async return() {
      stream.destroy();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Read buffers a fileSource lends in turn: the loader is done with a chunk by the one after next. */
const FILE_READ_BUFFERS = 2;

/**
 * A file's bytes, streamed; gzip is recognised by the loader from its first bytes. The chunks are
 * lent, not given: reads go into FILE_READ_BUFFERS buffers in turn, so a chunk stays valid only until
 * the chunk after the next one is asked for (byte-source.ts: what the loader guarantees). A fresh
 * buffer per read would be garbage the moment it was parsed, freed only by an old-generation GC
 * (M1). Whoever iterates this to keep chunks must copy them.
 */
export function fileSource(path: string): AsyncIterableIterator<Uint8Array> {
  const buffers: Uint8Array[] = [];
  let reads = 0;
  let handle: Promise<FileHandle> | null = null;
  let done = false;
  const finish = async (): Promise<IteratorResult<Uint8Array>> => {
    done = true;
    const opened = handle;
    handle = null;
    if (opened) await (await opened.catch(() => null))?.close();
    return { done: true, value: undefined };
  };
  return {
    async next() {
      if (done) return { done: true, value: undefined };
      handle ??= open(path, 'r');
      const file = await handle;
      const slot = reads++ % FILE_READ_BUFFERS;
      buffers[slot] ??= new Uint8Array(FILE_READ_BYTES);
      const buffer = buffers[slot]!;
      let bytesRead: number;
      try {
        ({ bytesRead } = await file.read(buffer, 0, buffer.length, null));
      } catch (error) {
        // A failed read ends the source: the file is closed here, not left to whoever sees the error.
        await finish();
        throw error;
      }
      if (bytesRead === 0) return finish();
      return { done: false, value: buffer.subarray(0, bytesRead) };
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** This process's stdin, streamed. */
export function stdinSource(): AsyncIterableIterator<Uint8Array> {
  return readableSource(process.stdin);
}

/**
 * Loads a file: its bytes streamed as the source, its name for the format (.csv, .ndjson.gz, …), and
 * `connect` over node:net unless the options bring their own.
 */
export function loadFile(
  path: string,
  options: Omit<LoadOptions, 'source' | 'fileName'>,
): Promise<LoadReport> {
  return load({ connect, ...options, source: fileSource(path), fileName: path });
}

/** Waits until `stream` drains, or fails if it errors or closes first (a closed pipe never drains). */
function drained(stream: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = () => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = () => {
      settle();
      resolve();
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onClose = () => {
      settle();
      reject(new Error('the destination closed before it drained'));
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

/**
 * Copies a web byte stream into a Node writable, waiting for 'drain' whenever it is full, so a slow
 * reader (a pipe into `less`) holds the export back instead of filling memory. When the destination
 * fails (EPIPE after `| head`), the source is cancelled (which stops the export's queries) and the
 * destination's error is thrown. `end`: end the destination after the last chunk (not for stdout).
 * Returns the bytes written.
 */
export async function writeStream(
  source: ReadableStream<Uint8Array>,
  destination: Writable,
  options: { end?: boolean } = {},
): Promise<number> {
  const reader = source.getReader();
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure ??= error;
  };
  destination.on('error', onError);
  let written = 0;
  try {
    for (;;) {
      if (failure) throw failure;
      const { done, value } = await reader.read();
      if (done) break;
      if (failure) throw failure;
      written += value.byteLength;
      if (!destination.write(value)) await drained(destination);
    }
    if (options.end ?? true) {
      destination.end();
      await finished(destination);
    }
    if (failure) throw failure;
    return written;
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    destination.off('error', onError);
    reader.releaseLock();
  }
}

/** Exports into a file (created or truncated); returns the bytes written. */
export async function exportToFile(path: string, options: ExportOptions): Promise<number> {
  const stream = exportRows({ connect, ...options });
  return writeStream(stream, createExportFile(path));
}
