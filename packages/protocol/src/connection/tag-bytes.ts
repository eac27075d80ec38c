/**
 * The pipeline's most frequent small messages read straight from their bytes: one ReadyForQuery,
 * BindComplete, ParseComplete and CommandComplete per statement would otherwise each build a message
 * object (and the command tag a regex match) before being looked at once.
 */
import { ProtocolError } from '../errors.ts';
import type { TransactionStatus } from '../messages/backend.ts';
import { decodeText as text } from '../types/text/text.ts';

/** Verbs that end a statement with a row count: returned as constants, not decoded again per statement. */
const COUNTED_VERBS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'FETCH', 'MOVE'].map(
  (verb) => ({
    verb,
    bytes: Uint8Array.from(verb, (c) => c.charCodeAt(0)),
  }),
);

const SPACE = 0x20;
const ZERO = 0x30;
const NINE = 0x39;

/** ReadyForQuery's status byte (the body `body[start, end)`) as a transaction status. */
export function readyStatus(body: Uint8Array, start = 0, end = body.length): TransactionStatus {
  const byte = start < end ? body[start] : undefined;
  if (byte === 0x49) return 'I';
  if (byte === 0x54) return 'T';
  if (byte === 0x45) return 'E';
  const shown = byte === undefined ? 'nothing' : `'${String.fromCharCode(byte)}'`;
  throw new ProtocolError(`ReadyForQuery with unknown transaction status ${shown}`);
}

/**
 * A CommandComplete body (`INSERT 0 5\0`, `SELECT 3\0`, `CREATE TABLE\0`) split into verb and row
 * count: up to two trailing ` <digits>` groups are numbers (INSERT's is `oid rows`), the last is the
 * count. Same split as parseCommandTag on the decoded string.
 */
export function readCommandTag(
  body: Uint8Array,
  start = 0,
  bodyEnd = body.length,
): { command: string; rowCount: number | null } {
  let end = body.indexOf(0, start);
  if (end < 0 || end >= bodyEnd)
    throw new ProtocolError('malformed CommandComplete message: tag not terminated');
  const last = trailingNumber(body, start, end);
  if (last < 0) return { command: text(body, start, end), rowCount: null };
  const rowCount = digits(body, last + 1, end);
  end = last;
  const before = trailingNumber(body, start, end);
  return { command: verb(body, start, before < 0 ? end : before), rowCount };
}

/** The verb at body[start, end): one of COUNTED_VERBS without decoding, else decoded. */
function verb(body: Uint8Array, start: number, end: number): string {
  next: for (const known of COUNTED_VERBS) {
    if (known.bytes.length !== end - start) continue;
    for (let i = 0; i < known.bytes.length; i++) if (body[start + i] !== known.bytes[i]) continue next;
    return known.verb;
  }
  return text(body, start, end);
}

/** Index of the space that starts a ` <digits>` group ending at `end` (not before `start`), or -1. */
function trailingNumber(body: Uint8Array, start: number, end: number): number {
  let i = end - 1;
  while (i >= start && body[i]! >= ZERO && body[i]! <= NINE) i--;
  return i < end - 1 && i >= start && body[i] === SPACE ? i : -1;
}

function digits(body: Uint8Array, from: number, to: number): number {
  // Past 15 digits a double no longer holds every integer exactly: let Number round it as before.
  if (to - from > 15) return Number(text(body, from, to));
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (body[i]! - ZERO);
  return n;
}
