/**
 * Reads the ISO 8601 / PostgreSQL ISO forms of dates and times from bytes, with the server's field
 * checks and messages (datetime.c's DecodeDateTime / DecodeTimeOnly for these forms):
 *
 *   [YYYY-MM-DD][( |T)HH:MM[:SS[.fraction]]][ ][zone][ BC|AD]     (surrounding whitespace allowed)
 *   zone: Z | UTC | GMT | ±H[H] | ±HH:MM[:SS] | ±HHMM
 *
 * The year has three or more digits (shorter years depend on DateStyle), month and day one or two;
 * hour, minute and second one or more, as strtoint reads them. A fraction of a
 * second is rounded to microseconds as the server does: rint(strtod(".fraction") · 10^6).
 * 'infinity', '-infinity' and 'epoch' are read. Anything else the server may still accept (month
 * names, other orders, 'now', zone names) is refused with a pointer to text COPY, unless it certainly
 * is invalid: then the server's own message.
 */
import { isDigit, isSpace, MINUS, matchesFolded, PLUS, skipSpace, trimEnd } from '../shared/ascii.ts';
import { invalidSyntax, notConverted, withValue } from '../shared/input-errors.ts';
import { daysInMonth } from './calendar.ts';
import {
  fractionMicros,
  parsed,
  reset,
  SPECIAL_EPOCH,
  SPECIAL_INFINITY,
  SPECIAL_NEGATIVE_INFINITY,
} from './fields.ts';
import { parseCommon } from './parse-common.ts';

/** Parse failures that are not certainly invalid: the server might read the text. */
const UNREADABLE = -1;
const FORMS = 'only ISO 8601 forms (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][±HH[:MM]]) are converted';
/** Words of the server's that make text mean something without digits (or relative to its clock). */
const KEYWORDS = ['now', 'today', 'tomorrow', 'yesterday', 'allballs', 'epoch', 'infinity'];

const ZONE_WORDS = ['utc', 'gmt'];

/** Where the last digitRun stopped and what it read (capped, past int range it is "overflow"). */
let runValue = 0;

/** Reads digits from `at`; returns the index after them, with their value in runValue. */
function digitRun(bytes: Uint8Array, at: number, end: number): number {
  let i = at;
  let value = 0;
  for (; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    if (value < 1e10) value = value * 10 + digit;
  }
  runValue = value;
  return i;
}

function fieldOverflow(bytes: Uint8Array, start: number, end: number): Error {
  return withValue('date/time field value out of range', bytes, start, end);
}

/** The error for text outside the forms read here: invalid if certainly so, else "not converted". */
export function unreadable(label: string, bytes: Uint8Array, start: number, end: number): Error {
  let digits = false;
  for (let k = start; k < end; k++) {
    const b = bytes[k]!;
    // ParseDateTime refuses control characters; no keyword, zone or number has non-ASCII bytes.
    if ((b < 0x20 && !isSpace(b)) || b >= 0x7f) return invalidSyntax(label, bytes, start, end);
    if (isDigit(b)) digits = true;
  }
  if (!digits) {
    let keyword = false;
    for (let k = start; k < end && !keyword; k++) {
      for (const word of KEYWORDS) if (matchesFolded(bytes, k, end, word)) keyword = true;
    }
    if (!keyword) return invalidSyntax(label, bytes, start, end);
    return notConverted(label, bytes, start, end, `${FORMS}, not words such as 'now' or 'today'`);
  }
  return notConverted(label, bytes, start, end, FORMS);
}

/** YYYY-M[M]-D[D] at `at`; returns the index after it or UNREADABLE. */
function readDate(bytes: Uint8Array, at: number, end: number): number {
  const yearEnd = digitRun(bytes, at, end);
  const year = runValue;
  if (yearEnd >= end || bytes[yearEnd] !== MINUS || yearEnd - at < 3) return UNREADABLE;
  const monthEnd = digitRun(bytes, yearEnd + 1, end);
  const month = runValue;
  if (
    monthEnd >= end ||
    bytes[monthEnd] !== MINUS ||
    monthEnd - yearEnd - 1 < 1 ||
    monthEnd - yearEnd - 1 > 2
  )
    return UNREADABLE;
  const dayEnd = digitRun(bytes, monthEnd + 1, end);
  if (dayEnd - monthEnd - 1 < 1 || dayEnd - monthEnd - 1 > 2) return UNREADABLE;
  parsed.hasDate = true;
  parsed.year = year;
  parsed.month = month;
  parsed.day = runValue;
  return dayEnd;
}

/** H:M[:S[.fraction]] at `at`; returns the index after it or UNREADABLE. */
function readTime(bytes: Uint8Array, at: number, end: number): number {
  const hourEnd = digitRun(bytes, at, end);
  const hour = runValue;
  if (hourEnd >= end || bytes[hourEnd] !== 0x3a || hourEnd - at > 9) return UNREADABLE;
  let i = digitRun(bytes, hourEnd + 1, end);
  if (i === hourEnd + 1 || i - hourEnd - 1 > 9) return UNREADABLE;
  parsed.hasTime = true;
  parsed.hour = hour;
  parsed.minute = runValue;
  if (i < end && bytes[i] === 0x2e) return UNREADABLE; // 'MM:SS.fff', minutes and seconds
  if (i < end && bytes[i] === 0x3a) {
    const secondEnd = digitRun(bytes, i + 1, end);
    if (secondEnd === i + 1 || secondEnd - i - 1 > 9) return UNREADABLE;
    parsed.second = runValue;
    i = secondEnd;
    if (i < end && bytes[i] === 0x2e) {
      const fractionEnd = digitRun(bytes, i + 1, end);
      parsed.micros = fractionMicros(bytes, i + 1, fractionEnd);
      i = fractionEnd;
    }
    if (i < end && bytes[i] === 0x3a) return UNREADABLE;
  }
  return i;
}

/** True if bytes[at] ends a field: whitespace or the end. */
function fieldEnds(bytes: Uint8Array, at: number, end: number): boolean {
  return at >= end || isSpace(bytes[at]!);
}

/**
 * A numeric zone at the sign at `at`, as DecodeTimezone reads it; returns the index after it,
 * UNREADABLE, or throws for a displacement out of range.
 */
function readNumericZone(bytes: Uint8Array, at: number, end: number): number {
  let i = digitRun(bytes, at + 1, end);
  if (i === at + 1) return UNREADABLE;
  let hours = runValue;
  let minutes = 0;
  let seconds = 0;
  if (bytes[i] === 0x3a && i < end) {
    const minuteEnd = digitRun(bytes, i + 1, end);
    if (minuteEnd === i + 1) return UNREADABLE;
    minutes = runValue;
    i = minuteEnd;
    if (bytes[i] === 0x3a && i < end) {
      const secondEnd = digitRun(bytes, i + 1, end);
      if (secondEnd === i + 1) return UNREADABLE;
      seconds = runValue;
      i = secondEnd;
    }
  } else if (i - at > 3) {
    // Run together: ±HHMM (or ±HMM).
    minutes = hours % 100;
    hours = Math.floor(hours / 100);
  }
  if (!fieldEnds(bytes, i, end)) return UNREADABLE;
  parsed.zoneOverflow = hours > 15 || minutes >= 60 || seconds >= 60;
  const offset = hours * 3600 + minutes * 60 + seconds;
  parsed.hasZone = true;
  parsed.offset = bytes[at] === MINUS ? -offset : offset;
  return i;
}

/** A zone at `at` (after a time, or a date): numeric, or Z / UTC / GMT. Returns `at` if none. */
function readZone(bytes: Uint8Array, at: number, end: number, signAllowed: boolean): number {
  const c = bytes[at];
  if (at >= end) return at;
  if (c === PLUS || (c === MINUS && signAllowed)) return readNumericZone(bytes, at, end);
  if ((c! | 0x20) === 0x7a && fieldEnds(bytes, at + 1, end)) {
    parsed.hasZone = true;
    parsed.zoneWord = 'z';
    return at + 1;
  }
  for (const word of ZONE_WORDS) {
    if (matchesFolded(bytes, at, end, word) && fieldEnds(bytes, at + 3, end)) {
      parsed.hasZone = true;
      parsed.zoneWord = word;
      return at + 3;
    }
  }
  return at;
}

/**
 * Parses bytes[start, end) into `parsed`, or throws. `timeFirst` (time, timetz) reads a time alone or
 * after a date; otherwise a date comes first and its time is optional. `plusInfinity`: whether the
 * server reads '+infinity' (17 and later), undefined if not known.
 */
export function parseDateTime(
  label: string,
  bytes: Uint8Array,
  start: number,
  end: number,
  timeFirst: boolean,
  plusInfinity?: boolean,
): void {
  reset();
  if (!timeFirst && parseCommon(bytes, start, end)) {
    validate(label, bytes, start, end, false, false);
    return;
  }
  // Not a common shape (or one with a field the general reader must see): start over.
  reset();
  const from = skipSpace(bytes, start, end);
  const to = trimEnd(bytes, from, end);
  if (from === to) throw invalidSyntax(label, bytes, start, end);
  if (!isDigit(bytes[from]!)) {
    if (!timeFirst) {
      const negative = bytes[from] === MINUS ? 1 : 0;
      if (to - from === 8 + negative && matchesFolded(bytes, from + negative, to, 'infinity')) {
        parsed.special = negative ? SPECIAL_NEGATIVE_INFINITY : SPECIAL_INFINITY;
        return;
      }
      if (to - from === 5 && matchesFolded(bytes, from, to, 'epoch')) {
        parsed.special = SPECIAL_EPOCH;
        return;
      }
      if (to - from === 9 && bytes[from] === PLUS && matchesFolded(bytes, from + 1, to, 'infinity')) {
        if (plusInfinity === true) {
          parsed.special = SPECIAL_INFINITY;
          return;
        }
        if (plusInfinity === false) throw invalidSyntax(label, bytes, start, end);
        throw notConverted(
          label,
          bytes,
          start,
          end,
          "PostgreSQL 17 and later read '+infinity', older servers refuse it",
        );
      }
    }
    throw unreadable(label, bytes, start, end);
  }
  let i = from;
  const firstRun = digitRun(bytes, from, to);
  if (firstRun < to && bytes[firstRun] === MINUS) {
    i = readDate(bytes, from, to);
    if (i === UNREADABLE) throw unreadable(label, bytes, start, end);
    // Separator: whitespace and/or 'T', then a time.
    let k = skipSpace(bytes, i, to);
    const spaced = k > i;
    if (k < to && (bytes[k]! | 0x20) === 0x74) {
      // time_in and timetz_in refuse 'T' after a date (only the timestamp types read it).
      if (timeFirst) throw invalidSyntax(label, bytes, start, end);
      if (k + 1 < to && !isDigit(bytes[k + 1]!) && !isSpace(bytes[k + 1]!))
        throw unreadable(label, bytes, start, end);
      k = skipSpace(bytes, k + 1, to);
      if (k >= to || !isDigit(bytes[k]!)) throw invalidSyntax(label, bytes, start, end);
    }
    if (k < to && isDigit(bytes[k]!) && (spaced || k > i)) {
      i = readTime(bytes, k, to);
      if (i === UNREADABLE) throw unreadable(label, bytes, start, end);
    }
  } else if (timeFirst && firstRun < to && bytes[firstRun] === 0x3a) {
    i = readTime(bytes, from, to);
    if (i === UNREADABLE) throw unreadable(label, bytes, start, end);
  } else throw unreadable(label, bytes, start, end);

  // A zone, directly or after whitespace ('-' directly after a date would be part of the date).
  let k = skipSpace(bytes, i, to);
  const zoneEnd = readZone(bytes, k, to, parsed.hasTime || k > i);
  if (zoneEnd === UNREADABLE) throw unreadable(label, bytes, start, end);
  if (zoneEnd > k) {
    i = zoneEnd;
    k = skipSpace(bytes, i, to);
  }
  let bc = false;
  if (k > i && to - k === 2) {
    if (matchesFolded(bytes, k, to, 'bc')) bc = true;
    else if (!matchesFolded(bytes, k, to, 'ad')) throw unreadable(label, bytes, start, end);
    i = to;
  }
  if (i !== to) throw unreadable(label, bytes, start, end);
  validate(label, bytes, start, end, bc, timeFirst);
}

/** The server's checks, in its order: the time (while reading), then the date (at the end). */
function validate(
  label: string,
  bytes: Uint8Array,
  start: number,
  end: number,
  bc: boolean,
  timeFirst: boolean,
): void {
  if (parsed.hasDate && parsed.year > 2_147_483_647) throw fieldOverflow(bytes, start, end);
  // DecodeDateTime checks a time as it reads it, before a zone after it; DecodeTimeOnly checks minutes
  // and seconds as it reads them, the hour at the end.
  if (timeFirst && (parsed.minute > 59 || parsed.second > 60)) throw fieldOverflow(bytes, start, end);
  if (timeFirst && parsed.zoneOverflow) {
    throw withValue('time zone displacement out of range', bytes, start, end);
  }
  if (parsed.hasTime) {
    const { hour, minute, second, micros } = parsed;
    if (
      hour > 24 ||
      minute > 59 ||
      second > 60 ||
      (hour * 3600 + minute * 60 + second) * 1e6 + micros > 86_400e6
    ) {
      throw fieldOverflow(bytes, start, end);
    }
  }
  if (parsed.zoneOverflow) throw withValue('time zone displacement out of range', bytes, start, end);
  if (!parsed.hasDate) {
    if (bc) throw unreadable(label, bytes, start, end);
    return;
  }
  if (parsed.year === 0) throw fieldOverflow(bytes, start, end);
  if (bc) parsed.year = 1 - parsed.year;
  const { year, month, day } = parsed;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    throw fieldOverflow(bytes, start, end);
}
