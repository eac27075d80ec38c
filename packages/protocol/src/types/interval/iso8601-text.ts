/**
 * DecodeISO8601Interval, the "format with designators": 'P1Y2M3DT4H5M6S', 'P2W', 'PT1.5H', 'P-1D'.
 * Numbers are what strtod reads (this code reads plain decimals, optionally negative, and leaves
 * exponents and hex to the server), at most 10^15; fractions spread like the server's. The
 * "alternative format" ('P0001-02-03T04:05:06') is left to the server. Units are upper case only.
 */
import { isDigit } from '../shared/ascii.ts';
import { addUnit, clearParts, DAY, HOUR, MINUTE, MONTH, SECOND, WEEK, YEAR } from './parts.ts';

export const DECODED = 0;
export const BAD_FORMAT = 1;
/** Text whose outcome this code does not follow: the server decides. */
export const UNSURE = 2;

const LIMIT = 1e15;

/** A number parsed by `readNumber`: integer part (toward zero), fraction, index after it, digits before any '.'. */
const number = { ipart: 0, fpart: 0, next: 0, width: 0 };

/** ParseISO8601Number for plain decimals: BAD_FORMAT, UNSURE or DECODED into `number`. */
function readNumber(bytes: Uint8Array, at: number, end: number): number {
  let i = at;
  const first = bytes[i]!;
  if (!(isDigit(first) || first === 0x2d || first === 0x2e)) return BAD_FORMAT;
  if (first === 0x2d) i++;
  const intStart = i;
  while (i < end && isDigit(bytes[i]!)) i++;
  const intEnd = i;
  let fracStart = i;
  if (i < end && bytes[i] === 0x2e) {
    fracStart = ++i;
    while (i < end && isDigit(bytes[i]!)) i++;
  }
  if (intEnd === intStart && i === fracStart) return UNSURE;
  // An exponent, a hex number, inf or nan would be strtod's too.
  const next = i < end ? bytes[i]! | 0x20 : 0;
  if (next === 0x65 || next === 0x78 || next === 0x69 || next === 0x6e) return UNSURE;
  let text = '';
  for (let k = at; k < i; k++) text += String.fromCharCode(bytes[k]!);
  const value = Number(text);
  if (!(value >= -LIMIT && value <= LIMIT)) return UNSURE;
  // Truncated toward zero, the fraction what is left, both in doubles as the server computes them.
  number.ipart = value >= 0 ? Math.floor(value) : -Math.floor(-value);
  number.fpart = value - number.ipart;
  number.next = i;
  number.width = intEnd - intStart;
  return DECODED;
}

/** Decodes bytes[start, end) (which starts with 'P') into `parts`. */
export function decodeIso8601(bytes: Uint8Array, start: number, end: number): number {
  clearParts();
  if (end - start < 2 || bytes[start] !== 0x50) return BAD_FORMAT;
  let datePart = true;
  let haveField = false;
  let i = start + 1;
  while (i < end) {
    if (bytes[i] === 0x54) {
      datePart = false;
      haveField = false;
      i++;
      continue;
    }
    const read = readNumber(bytes, i, end);
    if (read !== DECODED) return read;
    const { ipart, fpart } = number;
    i = number.next;
    const unit = i < end ? bytes[i++]! : -1;
    let ok: boolean;
    if (datePart) {
      if (unit === 0x59) ok = addUnit(YEAR, ipart, fpart);
      else if (unit === 0x4d) ok = addUnit(MONTH, ipart, fpart);
      else if (unit === 0x57) ok = addUnit(WEEK, ipart, fpart);
      else if (unit === 0x44) ok = addUnit(DAY, ipart, fpart);
      else if (unit === -1 && number.width !== 8) {
        // A number without a unit at the end is years ('P1'), or the alternative basic format.
        if (haveField) return BAD_FORMAT;
        return addUnit(YEAR, ipart, fpart) ? DECODED : UNSURE;
      } else if (unit === 0x54 || unit === -1 || unit === 0x2d) return UNSURE;
      else return BAD_FORMAT;
    } else if (unit === 0x48) ok = addUnit(HOUR, ipart, fpart);
    else if (unit === 0x4d) ok = addUnit(MINUTE, ipart, fpart);
    else if (unit === 0x53) ok = addUnit(SECOND, ipart, fpart);
    else if (unit === -1 && number.width !== 6) {
      // ...and after 'T' hours ('PT1').
      if (haveField) return BAD_FORMAT;
      return addUnit(HOUR, ipart, fpart) ? DECODED : UNSURE;
    } else if (unit === -1 || unit === 0x3a) return UNSURE;
    else return BAD_FORMAT;
    if (!ok) return UNSURE;
    haveField = true;
  }
  return DECODED;
}
