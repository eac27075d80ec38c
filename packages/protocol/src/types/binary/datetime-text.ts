/**
 * Date/time text ⇄ calendar fields for the binary datetime codecs: parsing the ISO 8601 forms callers
 * pass (and the server's own DateStyle ISO output), and printing values the way the server does.
 *
 * Accepted:  [±]YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][zone][ BC|AD]
 *   zone:    Z | ±HH[[:]MM[[:]SS]]
 * A year written with a sign is an ISO 8601 expanded year (astronomical: +000000 is 1 BC, as
 * `Date.prototype.toISOString` writes it); without a sign it counts AD, or BC with the suffix, as
 * PostgreSQL reads it (so year 0000 is refused). Fractions beyond microseconds are rounded the way
 * the server rounds them: rint(fraction · 10^6) on the parsed double.
 */

import { daysFromCivil } from '../datetime.ts';
import { ValueError } from '../shared/codec.ts';

const ZERO = 0x30;

/** The fields of the last successful `parseDateTime` (module scratch: no object per value). */
export const parsed = {
  /** Days since 1970-01-01 (proleptic Gregorian). */
  days: 0,
  /** Seconds since midnight, 0..86,400 (24:00:00 and a leap second 23:59:60 carry into the next day). */
  seconds: 0,
  /** Microseconds within the second, 0..999,999 (1,000,000 if the fraction rounded up). */
  micros: 0,
  hasTime: false,
  hasZone: false,
  /** The zone's offset east of UTC, in seconds. */
  offset: 0,
};

function isDigitAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= ZERO && code <= ZERO + 9;
}

/** The number in text[at, at + width) if all digits, else -1. */
function digits(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) {
    if (!isDigitAt(text, i)) return -1;
    value = value * 10 + (text.charCodeAt(i) - ZERO);
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** rint(): round half to even, as the server rounds fractional seconds. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function syntaxError(type: string, text: string, why: string): ValueError {
  return new ValueError(
    `invalid input syntax for ${type}: "${text.length > 60 ? `${text.slice(0, 60)}…` : text}"${why}`,
  );
}

const AD = 0;
const BC = 1;
const INVALID = 2;

/** What follows the fields at `at`: nothing or ' AD' (AD), ' BC' (BC), or anything else (INVALID). */
function eraAt(text: string, at: number): number {
  if (at === text.length) return AD;
  if (at + 3 !== text.length || text.charCodeAt(at) !== 0x20) return INVALID;
  const first = text.charCodeAt(at + 1) | 0x20;
  const second = text.charCodeAt(at + 2) | 0x20;
  if (first === 0x62 && second === 0x63) return BC;
  return first === 0x61 && second === 0x64 ? AD : INVALID;
}

/**
 * Parses `text` into `parsed`; throws ValueError naming `type` if it is not one of the accepted forms
 * or a field is out of range.
 */
export function parseDateTime(type: string, text: string): void {
  let i = 0;
  const first = text.charCodeAt(0);
  const signed = first === 0x2b || first === 0x2d;
  if (signed) i = 1;
  const yearStart = i;
  while (isDigitAt(text, i)) i++;
  if (i - yearStart < 4 || i - yearStart > 9 || text.charCodeAt(i) !== 0x2d)
    throw syntaxError(type, text, '');
  let year = digits(text, yearStart, i - yearStart);
  if (signed && first === 0x2d) year = -year;
  const month = digits(text, i + 1, 2);
  const day = digits(text, i + 4, 2);
  if (text.charCodeAt(i + 3) !== 0x2d || month < 0 || day < 0) throw syntaxError(type, text, '');
  i += 6;

  let hour = 0;
  let minute = 0;
  let second = 0;
  let micros = 0;
  parsed.hasTime = false;
  const separator = text.charCodeAt(i);
  if ((separator === 0x20 || separator === 0x54 || separator === 0x74) && isDigitAt(text, i + 1)) {
    parsed.hasTime = true;
    hour = digits(text, i + 1, 2);
    minute = digits(text, i + 4, 2);
    if (hour < 0 || minute < 0 || text.charCodeAt(i + 3) !== 0x3a) throw syntaxError(type, text, '');
    i += 6;
    if (text.charCodeAt(i) === 0x3a) {
      second = digits(text, i + 1, 2);
      if (second < 0) throw syntaxError(type, text, '');
      i += 3;
      if (text.charCodeAt(i) === 0x2e) {
        const from = ++i;
        while (isDigitAt(text, i)) i++;
        if (i === from) throw syntaxError(type, text, '');
        micros =
          i - from <= 6
            ? digits(text, from, i - from) * 10 ** (6 - (i - from))
            : roundHalfEven(Number(`0.${text.slice(from, i)}`) * 1e6);
      }
    }
  }

  parsed.hasZone = false;
  parsed.offset = 0;
  const zone = text.charCodeAt(i);
  if (zone === 0x5a || zone === 0x7a) {
    parsed.hasZone = true;
    i++;
  } else if ((zone === 0x2b || zone === 0x2d) && parsed.hasTime) {
    parsed.hasZone = true;
    const zoneHours = digits(text, i + 1, 2);
    if (zoneHours < 0) throw syntaxError(type, text, '');
    i += 3;
    let offset = zoneHours * 3600;
    for (let unit = 60; unit >= 1 && (isDigitAt(text, i) || text.charCodeAt(i) === 0x3a); unit /= 60) {
      if (text.charCodeAt(i) === 0x3a) i++;
      const part = digits(text, i, 2);
      if (part < 0 || part > 59) throw syntaxError(type, text, '');
      offset += part * unit;
      i += 2;
    }
    // PostgreSQL's limit on a zone displacement (TZDISP_LIMIT): ±15:59:59.
    if (zoneHours > 15) throw syntaxError(type, text, ' (time zone displacement out of range)');
    parsed.offset = zone === 0x2d ? -offset : offset;
  }

  const era = eraAt(text, i);
  if (era === BC) {
    if (signed || year === 0) throw syntaxError(type, text, '');
    year = 1 - year;
  } else if (era === INVALID) throw syntaxError(type, text, '');
  else if (!signed && year === 0)
    throw syntaxError(type, text, ' (year 0 does not exist; 1 BC precedes 1 AD)');

  const monthDays = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays)
    throw syntaxError(type, text, ' (date field out of range)');
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute | second | micros) !== 0)) {
    throw syntaxError(type, text, ' (time field out of range)');
  }
  parsed.days = daysFromCivil(year, month, day);
  parsed.seconds = hour * 3600 + minute * 60 + second;
  parsed.micros = micros;
}

/** The year, month and day of the last `civilFromDays` call. */
export const civil = { year: 0, month: 0, day: 0 };

/**
 * Days since 1970-01-01 → proleptic Gregorian year (astronomical: 0 is 1 BC), month, day, into
 * `civil`. The inverse of daysFromCivil: count 400-year eras of 146,097 days from 0000-03-01, so the
 * leap day is the last day of each computed year.
 */
export function civilFromDays(days: number): void {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  civil.day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  civil.month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  civil.year = yearOfEra + era * 400 + (civil.month <= 2 ? 1 : 0);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Days since 1970-01-01 (and, for a timestamp, the time of day) → the text the server prints under
 * DateStyle ISO: `YYYY-MM-DD[ HH:MM:SS[.ffffff]][zone][ BC]`. `zone` is appended as given ('+00').
 */
export function formatDateTime(
  days: number,
  time: { seconds: number; micros: number } | null,
  zone = '',
): string {
  civilFromDays(days);
  const { year, month, day } = civil;
  let text = `${pad(year <= 0 ? 1 - year : year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (time !== null) text += ` ${formatTime(time.seconds, time.micros)}`;
  text += zone;
  return year <= 0 ? `${text} BC` : text;
}

/**
 * Seconds since midnight and microseconds → `HH:MM:SS[.ffffff]` with trailing zeros of the fraction
 * dropped, as the server prints times.
 */
export function formatTime(seconds: number, micros: number): string {
  const hour = Math.floor(seconds / 3600);
  const minute = Math.floor((seconds % 3600) / 60);
  const text = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(seconds % 60, 2)}`;
  if (micros === 0) return text;
  return `${text}.${pad(micros, 6).replace(/0+$/, '')}`;
}
