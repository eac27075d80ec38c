/**
 * date, time, timestamp and timestamptz in binary format (PostgreSQL's date_send … timestamptz_send):
 *
 *   date         int32  days since 2000-01-01; INT32_MAX / INT32_MIN are infinity / -infinity
 *   time         int64  µs since midnight, 0 ..= 86,400,000,000 (24:00:00)
 *   timestamp    int64  µs since 2000-01-01 00:00 (wall clock); INT64_MAX / INT64_MIN are ±infinity
 *   timestamptz  int64  µs since 2000-01-01 00:00 UTC; same infinities
 *
 * Encoding takes a Date, an ISO 8601 string (microseconds kept, see datetime-text.ts), or for
 * timestamps a number of epoch milliseconds (fractions kept to the µs); ±Infinity and
 * 'infinity'/'-infinity' are the unbounded ends. A Date or number sent as a timestamp (without time
 * zone) is taken in UTC, as Haul's text parameters send it; a string sent as timestamptz must carry a
 * zone (Z or ±HH:MM), since the encoder cannot know the session's TimeZone. time takes
 * 'HH:MM[:SS[.ffffff]]'. Values outside the server's ranges (4714-11-24 BC to 5874897 AD for dates,
 * to 294276 AD for timestamps) are refused.
 *
 * Decoding gives the same JS values as the text decoders in ../datetime.ts: date → Date at 00:00
 * UTC, timestamp → Date at that wall-clock time in the local zone, timestamptz → Date at that
 * instant, µs truncated toward −∞ to ms, infinities → ±Infinity (numbers), beyond a Date's range →
 * Invalid Date; time → the server's text. The `*StringCodec` variants and `timestampMicros` keep the
 * microseconds for callers that need them.
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
  writeInt64Number,
  writeInt64Product,
} from '../shared/bytes.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from '../shared/codec.ts';
import { civil, civilFromDays, formatDateTime, formatTime, parseDateTime, parsed } from './datetime-text.ts';

/** 1970-01-01 → 2000-01-01, PostgreSQL's epoch. */
const EPOCH_DAYS = 10_957;
const EPOCH_SECONDS = EPOCH_DAYS * 86_400;
const EPOCH_MS = EPOCH_SECONDS * 1000;
const MS_PER_DAY = 86_400_000;
const US_PER_DAY = 86_400_000_000;

/** Julian day 0 (4714-11-24 BC) and 5874898-01-01, relative to 2000-01-01: date_in's range. */
const MIN_DATE = -2_451_545;
const END_DATE = 2_145_031_949;
/** The same start and 294277-01-01 in seconds: timestamp_in's range, [MIN, END). */
const MIN_TIMESTAMP_SECONDS = MIN_DATE * 86_400;
const END_TIMESTAMP_SECONDS = 106_751_983 * 86_400;

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

function writeInfinity(w: Writer, positive: boolean): void {
  w.ensure(8);
  w.view.setInt32(w.length, positive ? INT32_MAX : INT32_MIN);
  w.view.setUint32(w.length + 4, positive ? 0xffffffff : 0);
  w.length += 8;
}

/** 'infinity' → 1, '-infinity' → -1, anything else 0. */
function infinityText(text: string): number {
  if (text.length > 9) return 0;
  const lower = text.toLowerCase();
  if (lower === 'infinity' || lower === '+infinity') return 1;
  return lower === '-infinity' ? -1 : 0;
}

function outOfRange(type: string): ValueError {
  return new ValueError(
    `${type} out of range (4714-11-24 BC .. ${type === 'date' ? '5874897-12-31' : '294276-12-31'})`,
  );
}

/** Seconds since 2000-01-01 and µs (0..1,000,000) → int64 µs, range-checked. */
function writeTimestampParts(w: Writer, type: string, seconds: number, micros: number): void {
  const whole = micros === 1_000_000 ? seconds + 1 : seconds;
  if (whole < MIN_TIMESTAMP_SECONDS || whole >= END_TIMESTAMP_SECONDS) throw outOfRange(type);
  writeInt64Product(w, seconds, 1_000_000, micros);
}

/** Epoch milliseconds (a Date's time value, or a number with a fraction) → timestamp µs. */
function writeEpochMillis(w: Writer, type: string, ms: number): void {
  const whole = Math.floor(ms);
  const fraction = Math.round((ms - whole) * 1000);
  const seconds = Math.floor(whole / 1000);
  writeTimestampParts(w, type, seconds - EPOCH_SECONDS, (whole - seconds * 1000) * 1000 + fraction);
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
    const infinity = infinityText(value);
    if (infinity !== 0) {
      writeInfinity(w, infinity > 0);
      return;
    }
    parseDateTime(type, value);
    if (withZone && !parsed.hasZone) {
      throw new ValueError(
        `${type} text needs a zone (Z or ±HH:MM): the session's TimeZone is not known to the encoder`,
      );
    }
    // timestamp ignores a zone in its input, as timestamp_in does.
    const offset = withZone ? parsed.offset : 0;
    writeTimestampParts(
      w,
      type,
      (parsed.days - EPOCH_DAYS) * 86_400 + parsed.seconds - offset,
      parsed.micros,
    );
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

/** timestamp → Date at the wall-clock time in the local zone, as decodeTimestamp does for text. */
function localDate(wallMs: number): Date {
  const days = Math.floor(wallMs / MS_PER_DAY);
  civilFromDays(days);
  const { year, month, day } = civil;
  // The Date constructor adds the ms of the day exactly as it would hours, minutes and seconds.
  const date = new Date(year, month - 1, day, 0, 0, 0, wallMs - days * MS_PER_DAY);
  if (year >= 0 && year < 100) date.setFullYear(year, month - 1, day);
  return date;
}

/** timestamp/timestamptz → `YYYY-MM-DD HH:MM:SS[.ffffff][zone][ BC]`, or 'infinity'/'-infinity'. */
function timestampText(type: string, bytes: Uint8Array, start: number, end: number, zone: string): string {
  const infinite = timestampWords(type, bytes, start, end);
  if (infinite !== 0) return infinite > 0 ? 'infinity' : '-infinity';
  divideInt64(words.high, words.low, 1_000_000);
  const seconds = int64Division.quotient;
  const micros = int64Division.remainder;
  const days = Math.floor(seconds / 86_400);
  return formatDateTime(days + EPOCH_DAYS, { seconds: seconds - days * 86_400, micros }, zone);
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
    return new Date(int64Division.quotient + EPOCH_MS);
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
    return localDate(int64Division.quotient + EPOCH_MS);
  },
};

/** timestamptz decoding to the exact text in UTC, e.g. `2024-01-15 10:20:30.123456+00`. */
export const timestamptzStringCodec: BinaryCodec = {
  ...timestamptzCodec,
  decode: (bytes, start, end): string => timestampText('timestamptz', bytes, start, end, '+00'),
};

/** timestamp decoding to the exact text, e.g. `2024-01-15 10:20:30.123456`. */
export const timestampStringCodec: BinaryCodec = {
  ...timestampCodec,
  decode: (bytes, start, end): string => timestampText('timestamp', bytes, start, end, ''),
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
  let days: number;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new ValueError('date cannot hold an Invalid Date');
    days = Math.floor(ms / MS_PER_DAY) - EPOCH_DAYS; // the UTC date
  } else if (typeof value === 'string') {
    const infinity = infinityText(value);
    if (infinity !== 0) {
      w.i32(infinity > 0 ? INT32_MAX : INT32_MIN);
      return;
    }
    parseDateTime('date', value);
    days = parsed.days - EPOCH_DAYS;
  } else if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) {
    w.i32(value > 0 ? INT32_MAX : INT32_MIN);
    return;
  } else {
    throw wrongKind('date', "a Date, 'YYYY-MM-DD' string or ±Infinity", value);
  }
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
    return new Date((days + EPOCH_DAYS) * MS_PER_DAY);
  },
};

/** date decoding to the server's text, `YYYY-MM-DD[ BC]` or 'infinity'/'-infinity'. */
export const dateStringCodec: BinaryCodec = {
  ...dateCodec,
  decode(bytes, start, end): string {
    const days = dateDays(bytes, start, end);
    if (!Number.isFinite(days)) return days > 0 ? 'infinity' : '-infinity';
    return formatDateTime(days + EPOCH_DAYS, null);
  },
};

const TIME_TEXT = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*$/;

export const timeCodec: BinaryCodec = {
  name: 'time',
  oid: Oid.time,
  encode(w, value) {
    if (typeof value !== 'string') throw wrongKind('time', "a string 'HH:MM[:SS[.ffffff]]'", value);
    const match = TIME_TEXT.exec(value);
    if (match === null) throw new ValueError(`invalid input syntax for time: "${value.slice(0, 40)}"`);
    const fraction = match[4] ?? '';
    const micros =
      fraction.length <= 6 ? Number(fraction.padEnd(6, '0')) : Math.round(Number(`0.${fraction}`) * 1e6); // beyond µs: rounded, as time_in does
    const total = ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3] ?? 0)) * 1e6 + micros;
    if (Number(match[2]) > 59 || Number(match[3] ?? 0) > 59 || total > US_PER_DAY) {
      throw new ValueError(`time out of range (00:00:00 .. 24:00:00): "${value}"`);
    }
    writeInt64Number(w, total);
  },
  decode(bytes, start, end): string {
    expectLength('time', 8, start, end);
    const total = readInt32(bytes, start) * 4_294_967_296 + readUint32(bytes, start + 4);
    if (total < 0 || total > US_PER_DAY) throw new ProtocolError(`time: ${total} µs is outside a day`);
    const seconds = Math.floor(total / 1e6);
    return formatTime(seconds, total - seconds * 1e6);
  },
};
