/**
 * date, time, timestamp and timestamptz in binary format (PostgreSQL's date_send … timestamptz_send):
 *
 *   date         int32  days since 2000-01-01; INT32_MAX / INT32_MIN are infinity / -infinity
 *   time         int64  µs since midnight, 0 ..= 86,400,000,000 (24:00:00)
 *   timestamp    int64  µs since 2000-01-01 00:00 (wall clock); INT64_MAX / INT64_MIN are ±infinity
 *   timestamptz  int64  µs since 2000-01-01 00:00 UTC; same infinities
 *
 * Encoding takes a Date, a string, or for timestamps a number of epoch milliseconds (fractions kept to
 * the µs); ±Infinity are the unbounded ends. A Date or number sent as a timestamp (without time zone)
 * is taken in UTC, as Haul's text parameters send it. Strings are read by the FromText converters'
 * parser (parse.ts), as the server's input functions read them, with two differences a JS value
 * needs: an ISO 8601 expanded year ('+275760-09-13T…', '-000043-…', what toISOString writes outside
 * 0000..9999) is read too, and a timestamptz string must carry a zone (Z, UTC, ±HH[:MM]), since the
 * encoder cannot know the session's TimeZone. '+infinity' is infinity whatever the server's version:
 * the binary value is the same on all. Values outside the server's ranges (4714-11-24 BC to 5874897
 * AD for dates, to 294276 AD for timestamps) are refused.
 *
 * Decoding gives the same JS values as the text decoders (text-decode.ts): date → Date at 00:00 UTC,
 * timestamp → Date at that wall-clock time in the local zone, timestamptz → Date at that instant, µs
 * truncated toward −∞ to ms, infinities → ±Infinity (numbers), beyond a Date's range → Invalid Date;
 * time → the server's text. The `*StringCodec` variants and `timestampMicros` keep the microseconds
 * for callers that need them.
 */

import { ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import {
  divideInt64,
  int64Division,
  readBigInt64,
  readInt32,
  readUint32,
  writeInt64Product,
} from '../shared/bytes.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from '../shared/codec.ts';
import { invalidSyntax } from '../shared/input-errors.ts';
import { loadString, stringField } from '../string-field.ts';
import {
  civil,
  civilFromDays,
  END_DATE,
  END_TIMESTAMP_SECONDS,
  MIN_DATE,
  MIN_TIMESTAMP_SECONDS,
  MS_PER_DAY,
  POSTGRES_EPOCH_DAYS,
  POSTGRES_EPOCH_MS,
  POSTGRES_EPOCH_SECONDS,
  US_PER_DAY,
} from './calendar.ts';
import { dateFromText } from './date-from-text.ts';
import { formatDateTime, formatTime } from './format.ts';
import { localDate } from './text-decode.ts';
import { timeConverter } from './time-from-text.ts';
import type { ZoneRules } from './time-zone.ts';
import { timestampFromText } from './timestamp-from-text.ts';

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** No server version: forms that depend on it are refused, except '+infinity' (see the file comment). */
const NO_SESSION = { timeZone: '' };

/** The session zone a timestamptz string without a zone would need: the encoder has none. */
const NO_SESSION_ZONE: ZoneRules = {
  name: '',
  fixedOffset: Number.NaN,
  shadowedWord: '',
  utcOf(): number {
    throw new ValueError(
      "timestamptz text needs a zone (Z or ±HH:MM): the session's TimeZone is not known to the encoder",
    );
  },
};

const dateText = dateFromText(true);
const timeText = timeConverter(null, NO_SESSION);
const timestampText = timestampFromText(null, NO_SESSION, true);
const timestamptzText = timestampFromText(NO_SESSION_ZONE, NO_SESSION, true);

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * Puts a date/time string's bytes in `stringField`, an ISO 8601 expanded year ([±]YYYYYY,
 * astronomical: -000043 is 44 BC) turned into the unsigned year and era the parser reads.
 */
function loadDateTime(label: string, text: string): void {
  const sign = text.charCodeAt(0);
  if ((sign !== 0x2b && sign !== 0x2d) || !isDigit(text.charCodeAt(1))) {
    loadString(text);
    return;
  }
  let i = 1;
  while (isDigit(text.charCodeAt(i))) i++;
  // An era after a signed year, or a short year, is not ISO 8601's form.
  if (i < 5 || text.charCodeAt(i) !== 0x2d || /\s(?:bc|ad)\s*$/i.test(text)) {
    loadString(text);
    throw invalidSyntax(label, stringField.bytes, 0, stringField.end);
  }
  const year = sign === 0x2d ? -Number(text.slice(1, i)) : Number(text.slice(1, i));
  const written = String(year <= 0 ? 1 - year : year).padStart(4, '0');
  loadString(`${written}${text.slice(i)}${year <= 0 ? ' BC' : ''}`);
}

function writeInfinity(w: Writer, positive: boolean): void {
  w.ensure(8);
  w.view.setInt32(w.length, positive ? INT32_MAX : INT32_MIN);
  w.view.setUint32(w.length + 4, positive ? 0xffffffff : 0);
  w.length += 8;
}

function outOfRange(type: string): ValueError {
  return new ValueError(
    `${type} out of range (4714-11-24 BC .. ${type === 'date' ? '5874897-12-31' : '294276-12-31'})`,
  );
}

/** Epoch milliseconds (a Date's time value, or a number with a fraction) → timestamp µs, range-checked. */
function writeEpochMillis(w: Writer, type: string, ms: number): void {
  const whole = Math.floor(ms);
  const fraction = Math.round((ms - whole) * 1000);
  const epochSeconds = Math.floor(whole / 1000);
  const seconds = epochSeconds - POSTGRES_EPOCH_SECONDS;
  const micros = (whole - epochSeconds * 1000) * 1000 + fraction;
  const carried = micros === 1_000_000 ? seconds + 1 : seconds;
  if (carried < MIN_TIMESTAMP_SECONDS || carried >= END_TIMESTAMP_SECONDS) throw outOfRange(type);
  writeInt64Product(w, seconds, 1_000_000, micros);
}

function encodeTimestamp(w: Writer, type: string, value: unknown, withZone: boolean): void {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new ValueError(`${type} cannot hold an Invalid Date`);
    writeEpochMillis(w, type, ms);
  } else if (typeof value === 'number') {
    if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) writeInfinity(w, value > 0);
    else if (Number.isNaN(value)) throw new ValueError(`${type} cannot hold NaN`);
    else writeEpochMillis(w, type, value);
  } else if (typeof value === 'string') {
    loadDateTime(withZone ? 'timestamp with time zone' : 'timestamp', value);
    (withZone ? timestamptzText : timestampText).write(w, stringField.bytes, 0, stringField.end);
  } else {
    throw wrongKind(type, 'a Date, ISO 8601 string or epoch milliseconds', value);
  }
}

/** Reads an int64 timestamp; ±Infinity for the infinities, otherwise leaves its words to the caller. */
function timestampWords(type: string, bytes: Uint8Array, start: number, end: number): number {
  expectLength(type, 8, start, end);
  const high = readInt32(bytes, start);
  const low = readUint32(bytes, start + 4);
  if (high === INT32_MAX && low === 0xffffffff) return Number.POSITIVE_INFINITY;
  if (high === INT32_MIN && low === 0) return Number.NEGATIVE_INFINITY;
  words.high = high;
  words.low = low;
  return 0;
}
const words = { high: 0, low: 0 };

/** timestamp/timestamptz → `YYYY-MM-DD HH:MM:SS[.ffffff][zone][ BC]`, or 'infinity'/'-infinity'. */
function timestampString(type: string, bytes: Uint8Array, start: number, end: number, zone: string): string {
  const infinite = timestampWords(type, bytes, start, end);
  if (infinite !== 0) return infinite > 0 ? 'infinity' : '-infinity';
  divideInt64(words.high, words.low, 1_000_000);
  const seconds = int64Division.quotient;
  const micros = int64Division.remainder;
  const days = Math.floor(seconds / 86_400);
  return formatDateTime(days + POSTGRES_EPOCH_DAYS, { seconds: seconds - days * 86_400, micros }, zone);
}

export const timestamptzCodec: BinaryCodec = {
  name: 'timestamptz',
  oid: Oid.timestamptz,
  encode(w, value) {
    encodeTimestamp(w, 'timestamptz', value, true);
  },
  decode(bytes, start, end): Date | number {
    const infinite = timestampWords('timestamptz', bytes, start, end);
    if (infinite !== 0) return infinite;
    divideInt64(words.high, words.low, 1000);
    return new Date(int64Division.quotient + POSTGRES_EPOCH_MS);
  },
};

export const timestampCodec: BinaryCodec = {
  name: 'timestamp',
  oid: Oid.timestamp,
  encode(w, value) {
    encodeTimestamp(w, 'timestamp', value, false);
  },
  decode(bytes, start, end): Date | number {
    const infinite = timestampWords('timestamp', bytes, start, end);
    if (infinite !== 0) return infinite;
    divideInt64(words.high, words.low, 1000);
    const wallMs = int64Division.quotient + POSTGRES_EPOCH_MS;
    const days = Math.floor(wallMs / MS_PER_DAY);
    civilFromDays(days);
    return localDate(civil.year, civil.month, civil.day, wallMs - days * MS_PER_DAY);
  },
};

/** timestamptz decoding to the exact text in UTC, e.g. `2024-01-15 10:20:30.123456+00`. */
export const timestamptzStringCodec: BinaryCodec = {
  ...timestamptzCodec,
  decode: (bytes, start, end): string => timestampString('timestamptz', bytes, start, end, '+00'),
};

/** timestamp decoding to the exact text, e.g. `2024-01-15 10:20:30.123456`. */
export const timestampStringCodec: BinaryCodec = {
  ...timestampCodec,
  decode: (bytes, start, end): string => timestampString('timestamp', bytes, start, end, ''),
};

/**
 * A timestamp/timestamptz field's raw value: µs since 2000-01-01 (UTC for timestamptz), with
 * 9223372036854775807 / -9223372036854775808 for ±infinity.
 */
export function timestampMicros(bytes: Uint8Array, start: number, end: number): bigint {
  expectLength('timestamp', 8, start, end);
  return readBigInt64(bytes, start);
}

function encodeDate(w: Writer, value: unknown): void {
  if (typeof value === 'string') {
    loadDateTime('date', value);
    dateText.write(w, stringField.bytes, 0, stringField.end);
    return;
  }
  if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) {
    w.i32(value > 0 ? INT32_MAX : INT32_MIN);
    return;
  }
  if (!(value instanceof Date)) throw wrongKind('date', "a Date, 'YYYY-MM-DD' string or ±Infinity", value);
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new ValueError('date cannot hold an Invalid Date');
  const days = Math.floor(ms / MS_PER_DAY) - POSTGRES_EPOCH_DAYS; // the UTC date
  if (days < MIN_DATE || days >= END_DATE) throw outOfRange('date');
  w.i32(days);
}

function dateDays(bytes: Uint8Array, start: number, end: number): number {
  expectLength('date', 4, start, end);
  const days = readInt32(bytes, start);
  if (days === INT32_MAX) return Number.POSITIVE_INFINITY;
  if (days === INT32_MIN) return Number.NEGATIVE_INFINITY;
  return days;
}

export const dateCodec: BinaryCodec = {
  name: 'date',
  oid: Oid.date,
  encode: encodeDate,
  decode(bytes, start, end): Date | number {
    const days = dateDays(bytes, start, end);
    if (!Number.isFinite(days)) return days;
    return new Date((days + POSTGRES_EPOCH_DAYS) * MS_PER_DAY);
  },
};

/** date decoding to the server's text, `YYYY-MM-DD[ BC]` or 'infinity'/'-infinity'. */
export const dateStringCodec: BinaryCodec = {
  ...dateCodec,
  decode(bytes, start, end): string {
    const days = dateDays(bytes, start, end);
    if (!Number.isFinite(days)) return days > 0 ? 'infinity' : '-infinity';
    return formatDateTime(days + POSTGRES_EPOCH_DAYS, null);
  },
};

export const timeCodec: BinaryCodec = {
  name: 'time',
  oid: Oid.time,
  encode(w, value) {
    if (typeof value !== 'string') throw wrongKind('time', "a string 'HH:MM[:SS[.ffffff]]'", value);
    loadString(value);
    timeText.write(w, stringField.bytes, 0, stringField.end);
  },
  decode(bytes, start, end): string {
    expectLength('time', 8, start, end);
    const total = readInt32(bytes, start) * 4_294_967_296 + readUint32(bytes, start + 4);
    if (total < 0 || total > US_PER_DAY) throw new ProtocolError(`time: ${total} µs is outside a day`);
    const seconds = Math.floor(total / 1e6);
    return formatTime(seconds, total - seconds * 1e6);
  },
};
