/**
 * numeric in binary format (PostgreSQL's numeric_send/numeric_recv):
 *
 *   uint16 ndigits   number of base-10000 digit groups that follow
 *   int16  weight    power of 10000 of the first group (0: units, -1: the first group after the point)
 *   uint16 sign      0x0000 positive, 0x4000 negative, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity
 *                    (the infinities exist from PostgreSQL 14 on)
 *   uint16 dscale    digits shown after the decimal point
 *   int16[ndigits]   the groups, each 0..9999, leading and trailing zero groups stripped
 *
 * Encoding takes a decimal string (numeric input syntax: sign, digits, point, exponent, NaN,
 * [-]Infinity), a number (via its shortest round-trip text, so 0.1 is 0.1) or a bigint, and works on
 * the text digit by digit: no float arithmetic, any length. Decoding yields the exact text the server
 * prints (dscale digits after the point), as the text path does.
 */

import { ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { readInt16, readUint16 } from '../shared/bytes.ts';
import { type BinaryCodec, ValueError, wrongKind } from '../shared/codec.ts';

const SIGN_POSITIVE = 0x0000;
const SIGN_NEGATIVE = 0x4000;
const SIGN_NAN = 0xc000;
const SIGN_INFINITY = 0xd000;
const SIGN_NEGATIVE_INFINITY = 0xf000;

/** NUMERIC_DSCALE_MAX: dscale shares a 16-bit field with flags, leaving 14 bits. */
const MAX_DSCALE = 0x3fff;
/** NUMERIC_WEIGHT_MAX (int16): at most 131,072 digits before the point. */
const MAX_WEIGHT = 0x7fff;
/** Exponents beyond this cannot produce a value in range; refusing them early keeps arithmetic small. */
const MAX_EXPONENT = 1_000_000;

const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const POWERS = [1, 10, 100, 1000];

const SPECIALS: ReadonlyMap<string, number> = new Map([
  ['nan', SIGN_NAN],
  ['+nan', SIGN_NAN],
  ['-nan', SIGN_NAN],
  ['infinity', SIGN_INFINITY],
  ['+infinity', SIGN_INFINITY],
  ['inf', SIGN_INFINITY],
  ['+inf', SIGN_INFINITY],
  ['-infinity', SIGN_NEGATIVE_INFINITY],
  ['-inf', SIGN_NEGATIVE_INFINITY],
]);

function numericText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return String(value); // 'Infinity', '-Infinity', '1e+21', '5e-7'; -0 prints as '0'
  }
  if (typeof value === 'bigint') return value.toString();
  throw wrongKind('numeric', 'a decimal string, number or bigint', value);
}

function writeSpecial(w: Writer, sign: number): void {
  w.ensure(8);
  w.view.setUint32(w.length, 0); // ndigits 0, weight 0
  w.view.setUint16(w.length + 4, sign);
  w.view.setUint16(w.length + 6, 0);
  w.length += 8;
}

function syntaxError(): ValueError {
  return new ValueError('invalid input syntax for numeric');
}

/** Appends the numeric `text` in binary format (see the file comment). */
export function encodeNumericText(w: Writer, raw: string): void {
  const text = raw.trim();
  const special = SPECIALS.get(text.toLowerCase());
  if (special !== undefined) {
    writeSpecial(w, special);
    return;
  }

  // Scan: [sign] digits [. digits] [e [sign] digits]. Record where the digits are, not their values.
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) === 0x2d || text.charCodeAt(0) === 0x2b) {
    negative = text.charCodeAt(0) === 0x2d;
    i = 1;
  }
  const intStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (text.charCodeAt(i) === DOT) {
    fracStart = ++i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) throw syntaxError();
  let exponent = 0;
  if (i < text.length && (text.charCodeAt(i) | 0x20) === 0x65) {
    const expText = text.slice(i + 1);
    if (!/^[+-]?\d+$/.test(expText)) throw syntaxError();
    exponent = Number(expText);
    if (Math.abs(exponent) > MAX_EXPONENT) throw new ValueError('value overflows numeric format');
    i = text.length;
  }
  if (i !== text.length) throw syntaxError();

  const dscale = Math.max(0, fracEnd - fracStart - exponent);
  if (dscale > MAX_DSCALE) throw new ValueError('value overflows numeric format');

  // Digits are intStart..intEnd then fracStart..fracEnd; `pointAt` counts digits before the point.
  const intDigits = intEnd - intStart;
  const digitCount = intDigits + (fracEnd - fracStart);
  let first = 0;
  while (first < digitCount && digitAt(text, first, intStart, intDigits, fracStart) === 0) first++;
  let last = digitCount - 1;
  while (last >= first && digitAt(text, last, intStart, intDigits, fracStart) === 0) last--;
  if (first > last) {
    // Zero: no groups, and always positive (the server normalises -0 the same way).
    w.ensure(8);
    w.view.setUint32(w.length, 0);
    w.view.setUint16(w.length + 4, SIGN_POSITIVE);
    w.view.setUint16(w.length + 6, dscale);
    w.length += 8;
    return;
  }

  // Digit k stands for 10^(pointAt - 1 - k); its group is floor(power / 4).
  const pointAt = intDigits + exponent;
  const weight = Math.floor((pointAt - 1 - first) / 4);
  const lastWeight = Math.floor((pointAt - 1 - last) / 4);
  if (weight > MAX_WEIGHT) throw new ValueError('value overflows numeric format');
  const groups = weight - lastWeight + 1;

  w.ensure(8 + 2 * groups);
  const view = w.view;
  let at = w.length;
  view.setUint16(at, groups);
  view.setInt16(at + 2, weight);
  view.setUint16(at + 4, negative ? SIGN_NEGATIVE : SIGN_POSITIVE);
  view.setUint16(at + 6, dscale);
  at += 8;
  let group = weight;
  let groupValue = 0;
  for (let k = first; k <= last; k++) {
    const power = pointAt - 1 - k;
    const g = Math.floor(power / 4);
    if (g !== group) {
      view.setInt16(at, groupValue);
      at += 2;
      group = g;
      groupValue = 0;
    }
    groupValue += digitAt(text, k, intStart, intDigits, fracStart) * POWERS[power - 4 * g]!;
  }
  view.setInt16(at, groupValue);
  w.length = at + 2;
}

/** The k-th digit of the number, counting the integer digits, then the fraction digits. */
function digitAt(text: string, k: number, intStart: number, intDigits: number, fracStart: number): number {
  return text.charCodeAt(k < intDigits ? intStart + k : fracStart + k - intDigits) - ZERO;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/** numeric binary format in bytes[start, end) → its text, exactly as numeric_out prints it. */
export function decodeNumericText(bytes: Uint8Array, start: number, end: number): string {
  if (end - start < 8) throw new ProtocolError(`numeric: ${end - start} bytes is shorter than its header`);
  const ndigits = readUint16(bytes, start);
  const weight = readInt16(bytes, start + 2);
  const sign = readUint16(bytes, start + 4);
  const dscale = readUint16(bytes, start + 6);
  switch (sign) {
    case SIGN_NAN:
      return 'NaN';
    case SIGN_INFINITY:
      return 'Infinity';
    case SIGN_NEGATIVE_INFINITY:
      return '-Infinity';
    case SIGN_POSITIVE:
    case SIGN_NEGATIVE:
      break;
    default:
      throw new ProtocolError(`numeric: invalid sign 0x${sign.toString(16)}`);
  }
  if (end - start !== 8 + 2 * ndigits) {
    throw new ProtocolError(
      `numeric: ${ndigits} digit groups need ${8 + 2 * ndigits} bytes, got ${end - start}`,
    );
  }

  let text = sign === SIGN_NEGATIVE && ndigits > 0 ? '-' : '';
  if (weight < 0) text += '0';
  else {
    text += String(digitGroup(bytes, start, ndigits, 0));
    for (let index = 1; index <= weight; index++) text += padGroup(digitGroup(bytes, start, ndigits, index));
  }
  if (dscale > 0) {
    let fraction = '';
    // Group index of the first group after the point is weight + 1 (may be negative: leading zeros).
    for (let index = weight + 1; fraction.length < dscale; index++)
      fraction += padGroup(digitGroup(bytes, start, ndigits, index));
    text += `.${fraction.slice(0, dscale)}`;
  }
  return text;
}

/** Digit group `index` of the numeric at `start` (0 outside the stored groups: leading/trailing zeros). */
function digitGroup(bytes: Uint8Array, start: number, ndigits: number, index: number): number {
  if (index < 0 || index >= ndigits) return 0;
  const value = readInt16(bytes, start + 8 + 2 * index);
  if (value < 0 || value > 9999) throw new ProtocolError(`numeric: digit group ${value} out of range`);
  return value;
}

function padGroup(value: number): string {
  if (value >= 1000) return String(value);
  if (value >= 100) return `0${value}`;
  if (value >= 10) return `00${value}`;
  return `000${value}`;
}

export const numericCodec: BinaryCodec = {
  name: 'numeric',
  oid: Oid.numeric,
  encode(w: Writer, value: unknown): void {
    encodeNumericText(w, numericText(value));
  },
  decode: decodeNumericText,
};
