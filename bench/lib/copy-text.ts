/**
 * COPY's text format for the text contenders: one line per row, fields escaped, gathered into chunks
 * of about 64 KiB, and written to a Node Writable with backpressure.
 */

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CopyRow } from './copy-rows.ts';

/** Characters COPY's text format escapes with a backslash (it would read them as delimiters). */
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPABLE = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, (char) => ESCAPES[char]!) : value;
}

/**
 * One row in COPY's text format: tab-separated, `\N` for NULL, newline-terminated. Numbers print
 * as JS's shortest round-trip form and timestamps as ISO 8601 in UTC, so the server stores exactly
 * the values the binary contenders send.
 */
export function textLine(row: CopyRow): string {
  const [id, name, score, at, active, ref, note] = row;
  const noteText = note === null ? '\\N' : escapeText(note);
  return `${id}\t${escapeText(name)}\t${score}\t${at.toISOString()}\t${active ? 't' : 'f'}\t${ref}\t${noteText}\n`;
}

/**
 * Lines gathered into chunks of at least this many UTF-16 units: one write (and one CopyData message
 * in both peers) per chunk instead of per row, as any serious loader would do.
 */
const CHUNK_CHARS = 64 * 1024;

/** The first `count` rows as text-format chunks, each a fresh Buffer the consumer may keep. */
export function* textChunks(rows: readonly CopyRow[], count: number): Generator<Buffer> {
  let text = '';
  for (let i = 0; i < count; i++) {
    text += textLine(rows[i]!);
    if (text.length >= CHUNK_CHARS) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text);
}

/**
 * Writes every chunk, waiting for 'drain' whenever `write` returns false, then ends the stream and
 * waits for it to finish (for both COPY peers: after the server's CommandComplete). Returns the bytes
 * written. Rejects with the stream's error.
 */
export async function writeWithBackpressure(stream: Writable, chunks: Iterable<Uint8Array>): Promise<number> {
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure ??= error;
  };
  stream.on('error', onError);
  try {
    let bytes = 0;
    for (const chunk of chunks) {
      if (failure) throw failure;
      bytes += chunk.length;
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await finished(stream);
    if (failure) throw failure;
    return bytes;
  } finally {
    stream.off('error', onError);
  }
}
