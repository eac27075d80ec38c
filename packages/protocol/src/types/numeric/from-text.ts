/**
 * numeric from text, as numeric_in reads it, into numeric's binary format (numeric_send):
 *
 *   uint16 ndigits   number of base-10000 digit groups that follow
 *   int16  weight    power of 10000 of the first group (0: units, -1: the first group after the point)
 *   uint16 sign      0x0000 positive, 0x4000 negative, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity
 *                    (the infinities exist from PostgreSQL 14 on)
 *   uint16 dscale    digits shown after the decimal point
 *   int16[ndigits]   the groups, each 0..9999, leading and trailing zero groups stripped (zero has none
 *                    and is always positive, keeping its dscale)
 *
 * Text: whitespace, sign, digits with one optional point, an optional exponent ('e', sign, digits);
 * 'NaN' (unsigned), '[sign]Infinity' / 'inf'. dscale is the digits after the point minus the exponent
 * (not below 0). The column's typmod (numeric(p,s)) is not applied here: numeric_recv applies it as
 * numeric_in would. PostgreSQL 16 also reads underscores between digits and 0x/0o/0b integers, and
 * PostgreSQL 15 allowed whitespace after the 'e'; forms that depend on the version follow the
 * session's server version, and are refused with a pointer to text COPY when it is unknown (hex,
 * octal and binary numerics always are). This is the one numeric parser: the binary codec reads JS
 * strings with it too (binary.ts).
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText } from '../from-text.ts';
import { isSpace, MINUS, matchesFolded, PLUS } from '../shared/ascii.ts';
import { ValueError } from '../shared/codec.ts';
import { invalidSyntax, notConverted } from '../shared/input-errors.ts';
import { type ConversionSession, PG16 } from '../shared/session.ts';

export const SIGN_POSITIVE = 0x0000;
export const SIGN_NEGATIVE = 0x4000;
export const SIGN_NAN = 0xc000;
export const SIGN_INFINITY = 0xd000;
export const SIGN_NEGATIVE_INFINITY = 0xf000;

/** NUMERIC_DSCALE_MAX and the int16 weight: beyond them make_result reports an overflow. */
const MAX_DSCALE = 0x3fff;
const MAX_WEIGHT = 0x7fff;
/** numeric_in refuses exponents beyond INT32_MAX / 2 outright (15 and older: from it on). */
const MAX_EXPONENT = 1_073_741_823;
const GROUP_POWERS = [1, 10, 100, 1000];

/** The mantissa's digit values, reused across fields (grown for long numbers). */
let digits = new Uint8Array(64);
/** The layout of the last number parsed: digits in `digits`, `intDigits` of them before the point. */
const shape = { count: 0, intDigits: 0, exponent: 0 };

function overflow(): ValueError {
  return new ValueError('value overflows numeric format');
}

/**
 * Parses bytes[start, end); returns the sign word, leaving a number's digits in `digits` and its
 * layout in `shape`. `pg16`: whether the server is 16 or later, undefined if not known.
 */
function parse(bytes: Uint8Array, start: number, end: number, pg16: boolean | undefined): number {
  let i = start;
  while (i < end && isSpace(bytes[i]!)) i++;
  const numberStart = i;
  const negative = i < end && bytes[i] === MINUS;
  if (negative || (i < end && bytes[i] === PLUS)) i++;
  const first = bytes[i];
  if (i === end || (first !== 0x2e && (first! < 0x30 || first! > 0x39))) {
    let sign: number;
    // NaN takes no sign: matched from before it.
    if (matchesFolded(bytes, numberStart, end, 'nan')) {
      sign = SIGN_NAN;
      i = numberStart + 3;
    } else if (matchesFolded(bytes, i, end, 'infinity')) {
      sign = negative ? SIGN_NEGATIVE_INFINITY : SIGN_INFINITY;
      i += 8;
    } else if (matchesFolded(bytes, i, end, 'inf')) {
      sign = negative ? SIGN_NEGATIVE_INFINITY : SIGN_INFINITY;
      i += 3;
    } else throw invalidSyntax('numeric', bytes, start, end);
    while (i < end && isSpace(bytes[i]!)) i++;
    if (i !== end) throw invalidSyntax('numeric', bytes, start, end);
    return sign;
  }
  if (first === 0x30 && i + 1 < end) {
    const letter = bytes[i + 1]! | 0x20;
    if ((letter === 0x78 || letter === 0x6f || letter === 0x62) && pg16 !== false) {
      throw notConverted(
        'numeric',
        bytes,
        start,
        end,
        'hexadecimal, octal and binary numerics are not converted',
      );
    }
  }
  if (digits.length < end - i) digits = new Uint8Array(2 * (end - i));
  let count = 0;
  let intDigits = -1;
  let versionDependent = false;
  if (bytes[i] === 0x2e) {
    intDigits = 0;
    i++;
    if (i === end || bytes[i]! < 0x30 || bytes[i]! > 0x39) throw invalidSyntax('numeric', bytes, start, end);
  }
  for (; i < end; i++) {
    const code = bytes[i]!;
    if (code >= 0x30 && code <= 0x39) digits[count++] = code - 0x30;
    else if (code === 0x2e) {
      if (intDigits >= 0) throw invalidSyntax('numeric', bytes, start, end);
      intDigits = count;
      if (i + 1 < end && bytes[i + 1] === 0x5f) throw invalidSyntax('numeric', bytes, start, end);
    } else if (code === 0x5f && pg16 !== false) {
      const next = bytes[i + 1];
      if (next === undefined || i + 1 >= end || next < 0x30 || next > 0x39)
        throw invalidSyntax('numeric', bytes, start, end);
      versionDependent = true;
    } else break;
  }
  if (intDigits < 0) intDigits = count;
  let exponent = 0;
  if (i < end && (bytes[i]! | 0x20) === 0x65) {
    i++;
    if (pg16 !== true && i < end && isSpace(bytes[i]!)) {
      // strtol, which PostgreSQL 15 and older use for the exponent, skips whitespace.
      while (i < end && isSpace(bytes[i]!)) i++;
      versionDependent = true;
    }
    const expNegative = i < end && bytes[i] === MINUS;
    if (expNegative || (i < end && bytes[i] === PLUS)) i++;
    const from = i;
    for (; i < end; i++) {
      const code = bytes[i]!;
      if (code >= 0x30 && code <= 0x39) {
        exponent = exponent * 10 + (code - 0x30);
        if (exponent > MAX_EXPONENT) throw overflow();
      } else if (code === 0x5f && pg16 !== false && i > from) {
        const next = bytes[i + 1];
        if (next === undefined || i + 1 >= end || next < 0x30 || next > 0x39)
          throw invalidSyntax('numeric', bytes, start, end);
        versionDependent = true;
      } else break;
    }
    if (i === from) throw invalidSyntax('numeric', bytes, start, end);
    if (exponent === MAX_EXPONENT) {
      // PostgreSQL 15 and older refuse the limit itself. 16 reads it, but then only zero digits with
      // a positive exponent fit the format: anything else overflows on every version.
      if (pg16 === false) throw overflow();
      if (pg16 === undefined) {
        if (expNegative || digits.subarray(0, count).some((digit) => digit !== 0)) throw overflow();
        versionDependent = true;
      }
    }
    if (expNegative) exponent = -exponent;
  }
  while (i < end && isSpace(bytes[i]!)) i++;
  if (i !== end) throw invalidSyntax('numeric', bytes, start, end);
  if (versionDependent && pg16 === undefined) {
    throw notConverted(
      'numeric',
      bytes,
      start,
      end,
      'how it reads depends on the PostgreSQL version (16 changed it)',
    );
  }
  shape.count = count;
  shape.intDigits = intDigits;
  shape.exponent = exponent;
  return negative ? SIGN_NEGATIVE : SIGN_POSITIVE;
}

function writeHeader(w: Writer, ndigits: number, weight: number, sign: number, dscale: number): void {
  w.ensure(8 + 2 * ndigits);
  const out = w.bytes;
  const at = w.length;
  out[at] = ndigits >> 8;
  out[at + 1] = ndigits & 0xff;
  out[at + 2] = (weight >> 8) & 0xff;
  out[at + 3] = weight & 0xff;
  out[at + 4] = sign >> 8;
  out[at + 5] = 0;
  out[at + 6] = dscale >> 8;
  out[at + 7] = dscale & 0xff;
  w.length = at + 8;
}

/** Appends the numeric text in bytes[start, end) in binary format, or throws ValueError. */
export function writeNumericText(
  w: Writer,
  bytes: Uint8Array,
  start: number,
  end: number,
  pg16: boolean | undefined,
): void {
  const sign = parse(bytes, start, end, pg16);
  if (sign !== SIGN_POSITIVE && sign !== SIGN_NEGATIVE) {
    writeHeader(w, 0, 0, sign, 0);
    return;
  }
  const { count, intDigits, exponent } = shape;
  const dscale = Math.max(0, count - intDigits - exponent);
  if (dscale > MAX_DSCALE) throw overflow();
  let first = 0;
  while (first < count && digits[first] === 0) first++;
  let last = count - 1;
  while (last >= first && digits[last] === 0) last--;
  if (first > last) {
    writeHeader(w, 0, 0, SIGN_POSITIVE, dscale);
    return;
  }
  // Digit k stands for 10^(pointAt - 1 - k); its group is floor(power / 4).
  const pointAt = intDigits + exponent;
  const weight = Math.floor((pointAt - 1 - first) / 4);
  if (weight > MAX_WEIGHT) throw overflow();
  const groups = weight - Math.floor((pointAt - 1 - last) / 4) + 1;
  writeHeader(w, groups, weight, sign, dscale);
  const out = w.bytes;
  let at = w.length;
  let group = weight;
  let value = 0;
  for (let k = first; k <= last; k++) {
    const power = pointAt - 1 - k;
    const g = Math.floor(power / 4);
    if (g !== group) {
      out[at] = value >> 8;
      out[at + 1] = value & 0xff;
      at += 2;
      group = g; // digits are consecutive, so groups are too
      value = 0;
    }
    value += digits[k]! * GROUP_POWERS[power - 4 * g]!;
  }
  out[at] = value >> 8;
  out[at + 1] = value & 0xff;
  w.length = at + 2;
}

export function numericConverter(session: ConversionSession): FromText {
  const pg16 = session.serverVersion === undefined ? undefined : session.serverVersion >= PG16;
  return {
    type: 'numeric',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      writeNumericText(w, bytes, start, end, pg16);
    },
  };
}
