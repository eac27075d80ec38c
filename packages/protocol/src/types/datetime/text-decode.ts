/**
 * date, timestamp and timestamptz in text format, as the server writes them under DateStyle ISO:
 *
 *   date         YYYY-MM-DD[ BC]
 *   timestamp    YYYY-MM-DD HH:MM:SS[.ffffff][ BC]
 *   timestamptz  YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]][ BC]
 *
 * Years have four or more digits; `infinity`/`-infinity` stand for the unbounded ends. JS mapping,
 * chosen to agree with postgres.js (which hands these texts to `new Date`) where it gets them right:
 *
 *   - date → Date at 00:00 UTC of that day (what `new Date('YYYY-MM-DD')` gives);
 *   - timestamp → Date at that wall-clock time in the process's local time zone (what
 *     `new Date('YYYY-MM-DD HH:MM:SS')` gives);
 *   - timestamptz → Date at that instant.
 *
 * Where postgres.js yields Invalid Date we give a value instead: `infinity` → Infinity and
 * `-infinity` → -Infinity (numbers, as node-postgres does), BC years → proleptic Gregorian years ≤ 0
 * (1 BC is year 0), years 1–99 are not shifted to 19xx. Sub-millisecond digits are truncated (a Date
 * has millisecond resolution); callers who need microseconds use `dates: 'string'`. Instants beyond
 * ±8.64e15 ms (past year 275760) become Invalid Date, as a Date cannot hold them. Text in any other
 * DateStyle is returned unchanged as a string rather than guessed at.
 */

import { decodeText } from '../text/text.ts';
import { daysFromCivil, MS_PER_DAY } from './calendar.ts';

const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;
const PLUS = 0x2b;
const SPACE = 0x20;
const COLON = 0x3a;
const DOT = 0x2e;
const LOWER_I = 0x69;
const UPPER_B = 0x42;
const UPPER_C = 0x43;

type Zone = 'utc-midnight' | 'local' | 'offset';

/** date → Date (00:00 UTC), ±Infinity, or the raw text if not in ISO style. */
export function decodeDate(bytes: Uint8Array, start: number, end: number): Date | number | string {
  return decodeDateTime(bytes, start, end, 'utc-midnight');
}

/** timestamp (without time zone) → Date (local wall clock), ±Infinity, or the raw text. */
export function decodeTimestamp(bytes: Uint8Array, start: number, end: number): Date | number | string {
  return decodeDateTime(bytes, start, end, 'local');
}

/** timestamptz → Date (the instant), ±Infinity, or the raw text. */
export function decodeTimestamptz(bytes: Uint8Array, start: number, end: number): Date | number | string {
  return decodeDateTime(bytes, start, end, 'offset');
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}

/** Two decimal digits at bytes[at], or -1 if either is not a digit. */
function twoDigits(bytes: Uint8Array, at: number): number {
  const tens = bytes[at];
  const ones = bytes[at + 1];
  if (!isDigit(tens) || !isDigit(ones)) return -1;
  return (tens! - ZERO) * 10 + (ones! - ZERO);
}

function decodeDateTime(bytes: Uint8Array, start: number, end: number, zone: Zone): Date | number | string {
  const first = bytes[start];
  if (first === LOWER_I) return Number.POSITIVE_INFINITY;
  if (first === MINUS && bytes[start + 1] === LOWER_I) return Number.NEGATIVE_INFINITY;

  let i = start;
  let year = 0;
  while (i < end && isDigit(bytes[i])) year = year * 10 + (bytes[i++]! - ZERO);
  if (i - start < 4 || bytes[i] !== MINUS || bytes[i + 3] !== MINUS) return decodeText(bytes, start, end);
  const month = twoDigits(bytes, i + 1);
  const day = twoDigits(bytes, i + 4);
  i += 6;

  let hour = 0;
  let minute = 0;
  let second = 0;
  let millisecond = 0;
  let offsetSeconds = 0;
  if (zone !== 'utc-midnight') {
    if (bytes[i] !== SPACE || bytes[i + 3] !== COLON || bytes[i + 6] !== COLON)
      return decodeText(bytes, start, end);
    hour = twoDigits(bytes, i + 1);
    minute = twoDigits(bytes, i + 4);
    second = twoDigits(bytes, i + 7);
    i += 9;
    if (bytes[i] === DOT) {
      // Keep the first three fraction digits as milliseconds; the rest (µs) cannot fit a Date.
      let scale = 100;
      for (i++; i < end && isDigit(bytes[i]); i++) {
        millisecond += (bytes[i]! - ZERO) * scale;
        scale = (scale / 10) | 0;
      }
    }
    if (zone === 'offset') {
      const sign = bytes[i];
      if (sign !== PLUS && sign !== MINUS) return decodeText(bytes, start, end);
      // Historic zones (local mean time) have offsets with minutes and seconds: +00:19:32.
      let fields = 0;
      for (i++; fields < 3 && (fields === 0 || bytes[i] === COLON); fields++) {
        if (fields > 0) i++;
        const part = twoDigits(bytes, i);
        if (part < 0) return decodeText(bytes, start, end);
        offsetSeconds = offsetSeconds * 60 + part;
        i += 2;
      }
      // +HH alone counts hours, +HH:MM minutes: scale to seconds by the fields not written.
      for (; fields < 3; fields++) offsetSeconds *= 60;
      if (sign === MINUS) offsetSeconds = -offsetSeconds;
    }
  }
  if (i + 3 === end && bytes[i] === SPACE && bytes[i + 1] === UPPER_B && bytes[i + 2] === UPPER_C) {
    // "BC": 1 BC is year 0 in the proleptic Gregorian calendar a Date uses, 2 BC is -1, ...
    year = 1 - year;
    i += 3;
  }
  // twoDigits gives -1 for a non-digit, so one negative OR catches every malformed field.
  if (i !== end || (month | day | hour | minute | second) < 0) return decodeText(bytes, start, end);

  const msOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
  if (zone === 'local') return localDate(year, month, day, msOfDay);
  return new Date(daysFromCivil(year, month, day) * MS_PER_DAY + msOfDay - offsetSeconds * 1000);
}

/**
 * A Date at the given local wall-clock time (`msOfDay` ms after local midnight), without the Date
 * constructor's 0–99 → 19xx year shift: how timestamp (without time zone) maps to JS, on both paths.
 */
export function localDate(year: number, month: number, day: number, msOfDay: number): Date {
  // The Date constructor adds the ms of the day exactly as it would hours, minutes and seconds.
  const date = new Date(year, month - 1, day, 0, 0, 0, msOfDay);
  if (year >= 0 && year < 100) date.setFullYear(year, month - 1, day);
  return date;
}
