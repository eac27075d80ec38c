/**
 * interval from text, as interval_in reads it, into interval_send's format (int64 µs, int32 days,
 * int32 months). interval_in accepts every IntervalStyle's output whatever the session's style (the
 * setting shapes output), with one exception: under sql_standard a leading '-' applies to all fields
 * (postgres-text.ts). It tries the server's own field syntax first and ISO 8601 ('P…') where that
 * fails. 'infinity' and '-infinity' are intervals from PostgreSQL 17 on.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { skipSpace, trimEnd } from '../shared/ascii.ts';
import { invalidSyntax, notConverted } from '../shared/input-errors.ts';
import { putInt32, putSafeInt64 } from '../shared/int64.ts';
import type { ConversionSession } from '../shared/session.ts';
import { BAD_FORMAT, DECODED, decodeIso8601, UNSURE } from './iso8601-text.ts';
import { parts, totalMonthsFit } from './parts.ts';
import { decodePostgres } from './postgres-text.ts';

/** INTERVAL_FULL_RANGE: the typmod's field mask when it restricts no fields. */
const FULL_RANGE = 0x7fff;

/**
 * Whether the converter reads text as interval_in does under this typmod: with none or a precision
 * only ('interval(3)', which interval_recv applies too). A fields restriction ('interval year',
 * 'day to second') changes what interval_in makes of the text itself ('5' is 5 years), so such
 * columns stay on text COPY.
 */
export function convertsIntervalTypmod(typmod: number): boolean {
  return typmod < 0 || ((typmod >>> 16) & 0x7fff) === FULL_RANGE;
}

/** PostgreSQL 17: infinite intervals. */
const INFINITE_INTERVALS = 170_000;

/** '[+-]infinity' in any case around whitespace: 1 / -1, else 0. */
function infinity(bytes: Uint8Array, start: number, end: number): number {
  const from = skipSpace(bytes, start, end);
  const to = trimEnd(bytes, from, end);
  const negative = bytes[from] === 0x2d;
  const word = negative || bytes[from] === 0x2b ? from + 1 : from;
  if (to - word !== 8) return 0;
  for (let k = 0; k < 8; k++) if ((bytes[word + k]! | 0x20) !== 'infinity'.charCodeAt(k)) return 0;
  return negative ? -1 : 1;
}

function writeInfinity(w: Writer, sign: number): void {
  w.ensure(16);
  const out = w.bytes;
  const at = w.length;
  // INTERVAL_NOEND: every part at its maximum; INTERVAL_NOBEGIN: at its minimum.
  out.fill(sign > 0 ? 0xff : 0x00, at, at + 16);
  for (const offset of [0, 8, 12]) out[at + offset] = sign > 0 ? 0x7f : 0x80;
  w.length = at + 16;
}

/**
 * Text starting with 'P' made only of what the server's tokenizer keeps in one "date" field: its
 * field syntax fails on it with a bad format, so the ISO 8601 reading decides. With more fields, a
 * field out of range could decide first.
 */
function oneField(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = bytes[k]!;
    const alnum = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
    if (!alnum && c !== 0x2b && c !== 0x2d && c !== 0x2f && c !== 0x5f && c !== 0x2e && c !== 0x3a) {
      return false;
    }
  }
  return true;
}

export function intervalConverter(session: ConversionSession): FieldConverter {
  const style = session.intervalStyle;
  const sqlStandard = style === undefined ? undefined : style === 'sql_standard';
  const version = session.serverVersion;
  return {
    type: 'interval',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      const leftToServer = (why: string) => notConverted('interval', bytes, start, end, why);
      const sign = infinity(bytes, start, end);
      if (sign !== 0) {
        if (version === undefined || version < INFINITE_INTERVALS) {
          throw leftToServer('infinite intervals exist from PostgreSQL 17 on');
        }
        writeInfinity(w, sign);
        return;
      }
      const outcome =
        bytes[start] === 0x50
          ? oneField(bytes, start, end)
            ? decodeIso8601(bytes, start, end)
            : UNSURE
          : decodePostgres(bytes, start, end, sqlStandard);
      if (outcome === BAD_FORMAT) throw invalidSyntax('interval', bytes, start, end);
      if (outcome !== DECODED || !totalMonthsFit()) {
        throw leftToServer(
          sqlStandard === undefined && bytes[skipSpace(bytes, start, end)] === 0x2d
            ? 'a leading "-" depends on the session\'s IntervalStyle, which is not known'
            : 'this form or size of interval is not read',
        );
      }
      w.ensure(16);
      const at = w.length;
      putSafeInt64(w.bytes, at, parts.micros);
      putInt32(w.bytes, at + 8, parts.days);
      putInt32(w.bytes, at + 12, parts.years * 12 + parts.months);
      w.length = at + 16;
    },
  };
}
