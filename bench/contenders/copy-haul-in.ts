/**
 * Haul's binary COPY load: BinaryCopyEncoder turns rows into CopyData messages on the fly, and
 * `db.copyInFrames` writes them with backpressure. Also the encoder alone (no I/O), and a byte-for-byte
 * check of its output against the server's own binary dump of the same rows.
 */

import { readFile } from 'node:fs/promises';
import { BinaryCopyEncoder } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { timed } from '../lib/clock.ts';
import { COPY_COLUMNS, COPY_TABLE, type CopyRow } from '../lib/copy-rows.ts';
import type { Check } from '../lib/measure.ts';
import type { Contender, Session } from './types.ts';

type Db = Awaited<ReturnType<typeof connect>>;

const COPY_IN_SQL = `copy ${COPY_TABLE} from stdin (format binary)`;

/** Each CopyData message starts with its type byte 'd' and an int32 length that counts itself. */
const MESSAGE_HEADER = 5;

/** Calls `visit` with the payload of each CopyData message in `frames` (whole messages, back to back). */
function forEachPayload(frames: Uint8Array, visit: (payload: Uint8Array) => void): void {
  const view = new DataView(frames.buffer, frames.byteOffset, frames.byteLength);
  for (let at = 0; at < frames.length; ) {
    const end = at + 1 + view.getInt32(at + 1);
    visit(frames.subarray(at + MESSAGE_HEADER, end));
    at = end;
  }
}

/** Payload bytes in `frames`: the PGCOPY stream without its framing. */
function payloadBytes(frames: Uint8Array): number {
  let bytes = 0;
  forEachPayload(frames, (payload) => {
    bytes += payload.length;
  });
  return bytes;
}

/** Counts what the generator yields, so a run can report MB/s of COPY payload. */
interface Tally {
  bytes: number;
}

/**
 * Encodes the first `count` rows as they are pulled: one `writeRow` per row, yielding complete
 * messages (about 64 KiB) as the encoder closes them, then the trailer and the rest from `finish`.
 */
function* encodedFrames(rows: readonly CopyRow[], count: number, tally: Tally): Generator<Uint8Array> {
  const encoder = new BinaryCopyEncoder(COPY_COLUMNS);
  for (let i = 0; i < count; i++) {
    encoder.writeRow(rows[i]!);
    const frames = encoder.takeFrames();
    if (frames !== null) {
      tally.bytes += payloadBytes(frames);
      yield frames;
    }
  }
  const last = encoder.finish();
  tally.bytes += payloadBytes(last);
  yield last;
}

function loadSession(db: Db, rows: readonly CopyRow[]): Session {
  return {
    async run(count) {
      const tally: Tally = { bytes: 0 };
      let rowCount: number | null = null;
      const ms = await timed(async () => {
        ({ rowCount } = await db.copyInFrames(COPY_IN_SQL, encodedFrames(rows, count, tally)));
      });
      if (rowCount !== count) throw new Error(`COPY reported ${rowCount} rows, expected ${count}`);
      return { ms, bytes: tally.bytes };
    },
    close: () => db.close(),
  };
}

function encoderSession(rows: readonly CopyRow[]): Session {
  return {
    async run(count) {
      const tally: Tally = { bytes: 0 };
      const ms = await timed(async () => {
        for (const _frames of encodedFrames(rows, count, tally)) {
          // Drop the bytes, as a socket would after the write: only the encoding is measured.
        }
      });
      return { ms, bytes: tally.bytes };
    },
    close: async () => {},
  };
}

export function haulCopyIn(rows: readonly CopyRow[]): Contender {
  return {
    name: 'Haul binary COPY',
    workload: 'copy-in',
    async open(url) {
      const db = await connect(url);
      await db.query('select 1'); // make sure the session is ready before any timed run
      return loadSession(db, rows);
    },
  };
}

export function haulEncoderAlone(rows: readonly CopyRow[]): Contender {
  return {
    name: 'Haul BinaryCopyEncoder (no I/O)',
    workload: 'copy-encode',
    open: async () => encoderSession(rows),
  };
}

/**
 * Compares the encoder's payload for the first `count` rows with `dumpPath`, the server's
 * `COPY … TO (FORMAT binary)` of the same rows: equal bytes mean the encoder writes exactly what
 * PostgreSQL itself writes for these values (unmeasured; run once).
 */
export async function compareWithServerDump(
  rows: readonly CopyRow[],
  count: number,
  dumpPath: string,
): Promise<Check> {
  const dump = await readFile(dumpPath);
  let at = 0;
  let mismatch = -1;
  for (const frames of encodedFrames(rows, count, { bytes: 0 })) {
    forEachPayload(frames, (payload) => {
      if (mismatch >= 0) return;
      for (let i = 0; i < payload.length; i++) {
        if (dump[at + i] !== payload[i]) {
          mismatch = at + i;
          return;
        }
      }
      at += payload.length;
    });
  }
  if (mismatch >= 0) return { ok: false, detail: `first difference at byte ${mismatch} of ${dump.length}` };
  if (at !== dump.length) return { ok: false, detail: `${at} bytes encoded, the dump has ${dump.length}` };
  return { ok: true, detail: `${at} bytes, identical to the server's binary dump` };
}
