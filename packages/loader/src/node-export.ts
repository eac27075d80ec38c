/**
 * Writing an export on Node: into a file (`writeFileFrom`, `exportToFile`) or into any Node writable
 * such as stdout (`writeStream`), with backpressure. Its own module, apart from node.ts's load-side
 * helpers, so the CLI's export path loads none of the loader's load code.
 */
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { connect } from '@haul/protocol/node';
import type { ExportOptions } from './api.ts';
import { exportRows } from './export/export.ts';

/**
 * Copies a web byte stream into a file (created or truncated) with plain synchronous writes on this
 * thread, each chunk as it comes (~64 KiB: CopyOut's gathering size), and returns the bytes written.
 *
 * Why not a WriteStream: every write of one goes through libuv's thread pool (a futex wake and an
 * event-loop wake-up per write) and lands on another core, far from the cache the chunk was just
 * written into; on 2 cores shared with the server's backends the hand-off costs more CPU than it
 * overlaps. A file write into the page cache takes tens of microseconds, and while it runs the
 * socket's data waits in the kernel, which is all the backpressure an export needs. Measured on the
 * 127 MB A3 export (1 partition, haul CLI): client CPU 0.98 s with a WriteStream, 0.59 s with this.
 *
 * A failed write (ENOSPC, EIO) cancels the source, which stops the export's COPYs, and is thrown; the
 * file is closed either way.
 */
export async function writeFileFrom(source: ReadableStream<Uint8Array>, path: string): Promise<number> {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    // Nothing was read yet: cancelling releases the export (its signal listener) without a query.
    await source.cancel(error).catch(() => {});
    throw error;
  }
  const reader = source.getReader();
  let written = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.byteLength; ) at += writeSync(fd, value, at);
      written += value.byteLength;
    }
    return written;
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
    closeSync(fd);
  }
}

/**
 * What an export file made by createExportFile buffers before write() asks to wait. While one write is
 * in flight the chunks after it gather and go out together (one writev), where the default 16 KiB
 * would hold every 64 KiB chunk back until the one before it reached the file.
 */
const FILE_WRITE_BUFFER = 1 << 20;

/** A file for writeStream (created or truncated), buffered as above; writeFileFrom costs less CPU. */
export function createExportFile(path: string): Writable {
  return createWriteStream(path, { highWaterMark: FILE_WRITE_BUFFER });
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
export function exportToFile(path: string, options: ExportOptions): Promise<number> {
  return writeFileFrom(exportRows({ connect, ...options }), path);
}
