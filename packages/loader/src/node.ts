/**
 * @haul/loader/node — Node-only helpers around the runtime-agnostic loader: files and stdin as load
 * sources (streamed through fs, never read whole), writing an export to a Node stream with
 * backpressure, and `loadFile` / `exportToFile` with the Node socket adapter already plugged in.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { connect } from '@haul/protocol/node';
import type { LoadOptions, LoadReport } from './api.ts';
import { load } from './index.ts';

export { createExportFile, exportToFile, writeFileFrom, writeStream } from './node-export.ts';
export { connect };

/**
 * Bytes per read from a file: large enough to keep syscalls off the profile, small enough that the
 * read buffers that become garbage between GCs stay a small part of peak memory (M1, measured).
 */
const FILE_READ_BYTES = 256 << 10;

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
