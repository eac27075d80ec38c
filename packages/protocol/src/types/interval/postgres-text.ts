/**
 * DecodeInterval for the forms the server prints and people write: '1 year 2 mons -3 days
 * +04:05:06.5', '@ 1 hour ago', '1.5 years', '-1 2:03:04', '3 4:05' (days before a time), '10'
 * (seconds). Like the server it reads the fields right to left, so a number takes the unit after it,
 * a number before a time is days, and a bare number at the end is seconds; a unit given twice is
 * refused; sql_standard's years-months ('1-2', '-1-2 -3 -4:05:06') is months. Fields are
 * whitespace-separated words here; text the server splits otherwise ('1day', '1,2', '- 1 day'),
 * unknown words and the cases where versions differ (a unit without a number, 'ago' before the end)
 * are left to the server (UNSURE).
 *
 * Under IntervalStyle sql_standard a leading '-' negates every field when no other field has a sign,
 * so text that starts with '-' needs the session's IntervalStyle.
 */

import { fractionMicros, fractionValue } from '../datetime/fields.ts';
import { isDigit, isSpace } from '../shared/ascii.ts';
import { BAD_FORMAT, DECODED, UNSURE } from './iso8601-text.ts';
import {
  addUnit,
  CENTURY,
  clearParts,
  DAY,
  DECADE,
  HOUR,
  MICROSECOND,
  MILLENNIUM,
  MILLISECOND,
  MINUTE,
  MONTH,
  parts,
  SECOND,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  WEEK,
  YEAR,
} from './parts.ts';

const ALL_SECONDS = SECOND | MILLISECOND | MICROSECOND;
const TIME_FIELDS = HOUR | MINUTE | ALL_SECONDS;
/** No unit yet: the rightmost number is seconds. */
const NO_UNIT = 0;
/** After 'ago': a number there has no unit the server accepts. */
const AFTER_AGO = -1;

/** deltatktbl's unit words. */
const UNITS: ReadonlyMap<string, number> = new Map([
  ...words(YEAR, 'y year years yr yrs'),
  ...words(MONTH, 'mon mons month months'),
  ...words(WEEK, 'w week weeks'),
  ...words(DAY, 'd day days'),
  ...words(HOUR, 'h hour hours hr hrs'),
  ...words(MINUTE, 'm min mins minute minutes'),
  ...words(SECOND, 's sec secs second seconds'),
  ...words(MILLISECOND, 'ms msec msecs msecond mseconds millisecon'),
  ...words(MICROSECOND, 'us usec usecs usecond useconds microsecon'),
  ...words(DECADE, 'dec decs decade decades'),
  ...words(CENTURY, 'c cent century centuries'),
  ...words(MILLENNIUM, 'mil mils millennium millennia'),
]);

function words(unit: number, list: string): [string, number][] {
  return list.split(' ').map((word) => [word, unit]);
}

const MAX_FIELDS = 24;
const MAX_LENGTH = 200;
/** Field boundaries, reused. */
const starts = new Int32Array(MAX_FIELDS);
const ends = new Int32Array(MAX_FIELDS);

/** A time field decoded by `readTime` into µs. */
let timeMicros = 0;

/**
 * A number field: [+-]digits[.digits], .digits, or SQL's years-months [+-]years-months (months
 * 0–11). Sets val and fval (val in months for years-months); false if it is not one.
 */
const numberField = { val: 0, fval: 0, yearsMonths: false };

function readNumber(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  const sign = bytes[i];
  if (sign === 0x2b || sign === 0x2d) i++;
  const digitsStart = i;
  while (i < end && isDigit(bytes[i]!)) i++;
  const digitsEnd = i;
  // '-.5' and '+.5' are not numbers to the server ("strtoi64" reads nothing and stops at the sign).
  if (digitsEnd === digitsStart && (sign === 0x2b || sign === 0x2d || digitsEnd === end)) return false;
  if (digitsEnd - digitsStart > 15) return false;
  let fval = 0;
  numberField.yearsMonths = false;
  if (i < end && bytes[i] === 0x2d && digitsEnd > digitsStart) {
    const months = i + 1;
    if (end - months > 2) return false;
    let month = 0;
    for (let k = months; k < end; k++) {
      if (!isDigit(bytes[k]!)) return false;
      month = month * 10 + bytes[k]! - 0x30;
    }
    if (month > 11) return false;
    let years = 0;
    for (let k = digitsStart; k < digitsEnd; k++) years = years * 10 + bytes[k]! - 0x30;
    const total = years * 12 + month;
    numberField.val = sign === 0x2d ? -total : total;
    numberField.fval = 0;
    numberField.yearsMonths = true;
    return true;
  }
  if (i < end) {
    if (bytes[i] !== 0x2e) return false;
    const fraction = i + 1;
    for (i = fraction; i < end; i++) if (!isDigit(bytes[i]!)) return false;
    fval = fractionValue(bytes, fraction, end);
  }
  let val = 0;
  for (let k = digitsStart; k < digitsEnd; k++) val = val * 10 + bytes[k]! - 0x30;
  numberField.val = sign === 0x2d ? -val : val;
  numberField.fval = sign === 0x2d ? -fval : fval;
  return true;
}

/**
 * A time field, 'h:mm', 'h:mm:ss[.frac]' or 'mm:ss.frac' (DecodeTime), optionally signed. Sets
 * timeMicros; false where the server's outcome is not followed (odd shapes, fields out of range).
 */
function readTime(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  const sign = bytes[i];
  if (sign === 0x2b || sign === 0x2d) i++;
  const numbers = [0, 0, 0];
  let count = 0;
  let fraction = -1;
  while (count < 3) {
    const from = i;
    let value = 0;
    while (i < end && isDigit(bytes[i]!)) value = value * 10 + bytes[i++]! - 0x30;
    if (i === from || i - from > 15) return false;
    numbers[count++] = value;
    if (i === end) break;
    if (bytes[i] === 0x2e) {
      fraction = i + 1;
      break;
    }
    if (bytes[i] !== 0x3a) return false;
    i++;
  }
  if (count < 2) return false;
  let micros = 0;
  if (fraction >= 0) {
    for (let k = fraction; k < end; k++) if (!isDigit(bytes[k]!)) return false;
    micros = fractionMicros(bytes, fraction, end);
  } else if (i !== end) return false;
  let [hour, minute, second] = numbers as [number, number, number];
  // 'mm:ss.frac' is minutes and seconds.
  if (count === 2 && fraction >= 0) [hour, minute, second] = [0, hour, minute];
  if (minute > 59 || second > 60 || micros > USECS_PER_SEC) return false;
  const total = hour * USECS_PER_HOUR + minute * USECS_PER_MINUTE + second * USECS_PER_SEC + micros;
  if (!Number.isSafeInteger(total)) return false;
  timeMicros = sign === 0x2d ? -total : total;
  return true;
}

function isSigned(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x2b || bytes[at] === 0x2d;
}

function lowerWord(bytes: Uint8Array, start: number, end: number): string | null {
  let word = '';
  for (let k = start; k < end; k++) {
    const c = bytes[k]! | 0x20;
    if (c < 0x61 || c > 0x7a) return null;
    word += String.fromCharCode(c);
  }
  return word;
}

/**
 * Decodes bytes[start, end) into `parts`: DECODED, BAD_FORMAT (the server's "invalid input syntax")
 * or UNSURE. `sqlStandard`: the session's IntervalStyle is sql_standard; undefined if not known.
 */
export function decodePostgres(
  bytes: Uint8Array,
  start: number,
  end: number,
  sqlStandard: boolean | undefined,
): number {
  clearParts();
  // The server copies the fields into a 256-byte buffer and refuses text that overflows it.
  if (end - start > MAX_LENGTH) return UNSURE;
  let count = 0;
  for (let i = start; i < end; ) {
    if (isSpace(bytes[i]!)) {
      i++;
      continue;
    }
    const from = i;
    while (i < end && !isSpace(bytes[i]!)) {
      if (bytes[i]! >= 0x80) return UNSURE;
      i++;
    }
    // '@' is punctuation the server skips.
    if (i - from === 1 && bytes[from] === 0x40) continue;
    if (count === MAX_FIELDS) return UNSURE;
    starts[count] = from;
    ends[count++] = i;
  }
  let forceNegative = false;
  if (count > 0 && bytes[starts[0]!] === 0x2d) {
    forceNegative = true;
    for (let k = 1; k < count; k++) if (isSigned(bytes, starts[k]!)) forceNegative = false;
    if (forceNegative && sqlStandard === undefined) return UNSURE;
    forceNegative &&= sqlStandard === true;
  }
  let seen = 0;
  let unit = NO_UNIT;
  let unitPending = false;
  let before = false;
  for (let k = count - 1; k >= 0; k--) {
    const from = starts[k]!;
    const to = ends[k]!;
    let mask = 0;
    const first = bytes[from]!;
    if (isDigit(first) || first === 0x2e || first === 0x2b || first === 0x2d) {
      if (bytes.subarray(from, to).includes(0x3a)) {
        if (!readTime(bytes, from, to)) return UNSURE;
        // The only field that sets µs so far: any other would have clashed with TIME_FIELDS.
        parts.micros = forceNegative && timeMicros > 0 ? -timeMicros : timeMicros;
        mask = TIME_FIELDS;
        unit = DAY;
      } else {
        if (!readNumber(bytes, from, to)) return UNSURE;
        let { val, fval } = numberField;
        if (forceNegative) {
          if (val > 0) val = -val;
          if (fval > 0) fval = -fval;
        }
        if (numberField.yearsMonths) unit = MONTH;
        else if (unit === NO_UNIT) unit = SECOND;
        // After 'ago' the unit is none the server accepts: a number right before 'ago' is refused.
        if (unit === AFTER_AGO) return BAD_FORMAT;
        if (!addUnit(unit, val, fval)) return UNSURE;
        mask = unit === SECOND && fval !== 0 ? ALL_SECONDS : unit;
        // After hours, a number without a unit is days ('1 2 hours' is a day and two hours).
        if (unit === HOUR) unit = DAY;
      }
      unitPending = false;
    } else {
      const word = lowerWord(bytes, from, to);
      if (word === null) return UNSURE;
      if (word === 'ago') {
        if (k !== count - 1) return UNSURE;
        before = true;
        unit = AFTER_AGO;
      } else {
        // strncmp over 10 characters: 'milliseconds' is 'millisecon'.
        const named = UNITS.get(word.length > 10 ? word.slice(0, 10) : word);
        if (named === undefined || unitPending) return UNSURE;
        unit = named;
        unitPending = true;
      }
    }
    if (mask & seen) return BAD_FORMAT;
    seen |= mask;
  }
  if (seen === 0) return BAD_FORMAT;
  if (unitPending) return UNSURE;
  if (before) {
    parts.years = -parts.years;
    parts.months = -parts.months;
    parts.days = -parts.days;
    parts.micros = -parts.micros;
  }
  return DECODED;
}
