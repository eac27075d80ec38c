/**
 * float4 and float8 from text, as float4in/float8in read it with glibc's strtof/strtod: whitespace,
 * sign, decimal digits with an optional point and exponent, 'NaN' (a leading '-' gives a NaN with the
 * sign bit set, as glibc does), 'inf' / 'infinity' in any case. A value that rounds to ±infinity, or
 * to zero from non-zero digits, is out of range. Hexadecimal floats and 'nan(…)' payloads are
 * platform-dependent on the server and are not converted.
 *
 * Rounding is IEEE round-to-nearest-even from the exact decimal, as strtod/strtof do: short mantissas
 * with small exponents are computed exactly from powers of ten (a single rounding), anything else goes
 * through Number(), which is correctly rounded. float4 must not be rounded twice (decimal → double →
 * float): where the double lands exactly halfway between two floats, the decimal decides, compared
 * exactly with BigInt.
 */

import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { asciiString, isSpace, MINUS, matchesFolded, PLUS } from '../shared/ascii.ts';
import { ValueError } from '../shared/codec.ts';
import { invalidSyntax, notConverted, quoted } from '../shared/input-errors.ts';

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Beyond this the exponent decides alone (over- or underflow); clamping keeps arithmetic finite. */
const EXPONENT_CLAMP = 100_000;
/** 2^128 - 2^103: halfway between the largest float and 2^128. */
const FLOAT4_OVERFLOW_MIDPOINT = 3.4028235677973366e38;

/** The last scan (module scratch): where the number's parts are. */
const scan = {
  negative: false,
  /** The token for Number(): sign through the exponent. */
  tokenStart: 0,
  tokenEnd: 0,
  intStart: 0,
  intEnd: 0,
  fracStart: 0,
  fracEnd: 0,
  exponent: 0,
  /** Some mantissa digit is not zero. */
  nonZero: false,
};

const NAN_RESULT = 1;
const INFINITY_RESULT = 2;
const NUMBER_RESULT = 3;

/** Scans bytes[start, end) into `scan`; returns what kind of value it is, or throws. */
function scanFloat(label: string, bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && isSpace(bytes[i]!)) i++;
  if (i === end) throw invalidSyntax(label, bytes, start, end);
  scan.tokenStart = i;
  scan.negative = bytes[i] === MINUS;
  if (bytes[i] === MINUS || bytes[i] === PLUS) i++;
  let kind = NUMBER_RESULT;
  if (matchesFolded(bytes, i, end, 'nan')) {
    i += 3;
    if (i < end && bytes[i] === 0x28)
      throw notConverted(label, bytes, start, end, 'NaN payloads are not converted');
    kind = NAN_RESULT;
  } else if (matchesFolded(bytes, i, end, 'infinity')) {
    i += 8;
    kind = INFINITY_RESULT;
  } else if (matchesFolded(bytes, i, end, 'inf')) {
    i += 3;
    kind = INFINITY_RESULT;
  } else {
    if (i + 1 < end && bytes[i] === 0x30 && (bytes[i + 1]! | 0x20) === 0x78) {
      throw notConverted(label, bytes, start, end, 'hexadecimal floating-point input is not converted');
    }
    i = scanDecimal(bytes, i, end);
    if (i < 0) throw invalidSyntax(label, bytes, start, end);
  }
  scan.tokenEnd = i;
  while (i < end && isSpace(bytes[i]!)) i++;
  if (i !== end) throw invalidSyntax(label, bytes, start, end);
  return kind;
}

/** digits [. digits] [e [sign] digits] from `i`; returns the end, or -1 without mantissa digits. */
function scanDecimal(bytes: Uint8Array, from: number, end: number): number {
  let i = from;
  let nonZero = false;
  scan.intStart = i;
  for (; i < end; i++) {
    const code = bytes[i]!;
    if (code < 0x30 || code > 0x39) break;
    if (code !== 0x30) nonZero = true;
  }
  scan.intEnd = i;
  scan.fracStart = i;
  scan.fracEnd = i;
  if (i < end && bytes[i] === 0x2e) {
    scan.fracStart = ++i;
    for (; i < end; i++) {
      const code = bytes[i]!;
      if (code < 0x30 || code > 0x39) break;
      if (code !== 0x30) nonZero = true;
    }
    scan.fracEnd = i;
  }
  if (scan.intEnd === scan.intStart && scan.fracEnd === scan.fracStart) return -1;
  scan.nonZero = nonZero;
  scan.exponent = 0;
  if (i < end && (bytes[i]! | 0x20) === 0x65) {
    // strtod takes the 'e' only if digits follow; otherwise it is left over, i.e. junk.
    let k = i + 1;
    const expNegative = k < end && bytes[k] === MINUS;
    if (expNegative || (k < end && bytes[k] === PLUS)) k++;
    let exponent = 0;
    const digitsFrom = k;
    for (; k < end; k++) {
      const digit = bytes[k]! - 0x30;
      if (digit < 0 || digit > 9) break;
      if (exponent < EXPONENT_CLAMP) exponent = exponent * 10 + digit;
    }
    if (k > digitsFrom) {
      scan.exponent = expNegative ? -exponent : exponent;
      i = k;
    }
  }
  return i;
}

/** The double nearest to the scanned decimal (a finite number, ±Infinity, or ±0). */
function nearestDouble(bytes: Uint8Array): number {
  if (!scan.nonZero) return scan.negative ? -0 : 0;
  // Significant digits: skip leading zeros of the integer part, then of the fraction if none.
  let mantissa = 0;
  let digits = 0;
  let scale = scan.exponent;
  let exact = true;
  for (let k = scan.intStart; k < scan.intEnd; k++) {
    const digit = bytes[k]! - 0x30;
    if (digits === 0 && digit === 0) continue;
    if (digits === 15) {
      exact = false;
      break;
    }
    mantissa = mantissa * 10 + digit;
    digits++;
  }
  if (exact) {
    for (let k = scan.fracStart; k < scan.fracEnd; k++) {
      const digit = bytes[k]! - 0x30;
      scale--;
      if (digits === 0 && digit === 0) continue;
      if (digits === 15) {
        exact = false;
        break;
      }
      mantissa = mantissa * 10 + digit;
      digits++;
    }
  }
  if (exact && scale >= -22 && scale <= 22) {
    // Both operands exact, one IEEE operation: correctly rounded (Clinger's fast path).
    const value = scale >= 0 ? mantissa * POWERS_OF_TEN[scale]! : mantissa / POWERS_OF_TEN[-scale]!;
    return scan.negative ? -value : value;
  }
  return Number(asciiString(bytes, scan.tokenStart, scan.tokenEnd));
}

const f64 = new Float64Array(1);
const u64 = new Uint32Array(f64.buffer);
/** Index of the high word of f64 in u64 (platform byte order). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LARGEST_FLOAT = 3.4028234663852886e38;

/** The float nearest to the scanned decimal, given `d`, the double nearest to it. */
function nearestFloat(bytes: Uint8Array, d: number): number {
  const f = Math.fround(d);
  if (f === d || Number.isNaN(d)) return f;
  let other: number;
  if (f === Infinity || f === -Infinity) {
    if (Math.abs(d) !== FLOAT4_OVERFLOW_MIDPOINT) return f;
    other = f > 0 ? LARGEST_FLOAT : -LARGEST_FLOAT;
  } else {
    // d is halfway between f and its neighbour exactly when the point as far beyond d (2d - f) is
    // itself a float; otherwise that point lies strictly between two floats.
    other = 2 * d - f;
    if (Math.fround(other) !== other) return f;
  }
  // d is exactly halfway, so the decimal may be on either side of it: compare exactly.
  const side = compareDecimalTo(bytes, Math.abs(d));
  if (side === 0) return f; // a true tie: fround already rounded it to even
  const fartherFromZero = Math.abs(other) > Math.abs(f) ? other : f;
  const nearerZero = fartherFromZero === f ? other : f;
  return side > 0 ? fartherFromZero : nearerZero;
}

/** Sign of (|scanned decimal| - target), exactly; `target` is a positive finite double. */
function compareDecimalTo(bytes: Uint8Array, target: number): number {
  let digits = '';
  for (let k = scan.intStart; k < scan.intEnd; k++) digits += String.fromCharCode(bytes[k]!);
  for (let k = scan.fracStart; k < scan.fracEnd; k++) digits += String.fromCharCode(bytes[k]!);
  const scale = scan.exponent - (scan.fracEnd - scan.fracStart);
  // target = m · 2^e from its bits.
  f64[0] = target;
  const high = u64[HIGH]!;
  const low = u64[1 - HIGH]!;
  const biased = (high >>> 20) & 0x7ff;
  let m = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let e = biased - 1075;
  if (biased === 0) e = -1074;
  else m |= 1n << 52n;
  let left = BigInt(digits);
  let right = m;
  if (scale >= 0) left *= 10n ** BigInt(scale);
  else right *= 10n ** BigInt(-scale);
  if (e >= 0) right <<= BigInt(e);
  else left <<= BigInt(-e);
  return left > right ? 1 : left < right ? -1 : 0;
}

function writeNaN(w: Writer, size: 4 | 8, negative: boolean): void {
  w.ensure(size);
  const out = w.bytes;
  const at = w.length;
  out.fill(0, at, at + size);
  out[at] = negative ? 0xff : 0x7f;
  out[at + 1] = size === 4 ? 0xc0 : 0xf8;
  w.length += size;
}

/**
 * `originalInMessage`: before PostgreSQL 16, float4in quoted the whole input in its out-of-range
 * message, not just the number.
 */
export function floatConverter(type: 'float4' | 'float8', originalInMessage = false): FieldConverter {
  const label = type === 'float4' ? 'real' : 'double precision';
  const size = type === 'float4' ? 4 : 8;
  return {
    type,
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      const kind = scanFloat(label, bytes, start, end);
      if (kind === NAN_RESULT) {
        writeNaN(w, size, scan.negative);
        return;
      }
      let value: number;
      if (kind === INFINITY_RESULT) value = scan.negative ? -Infinity : Infinity;
      else {
        value = nearestDouble(bytes);
        if (size === 4) value = nearestFloat(bytes, value);
        if (value === Infinity || value === -Infinity || (value === 0 && scan.nonZero)) {
          const number = originalInMessage
            ? quoted(bytes, start, end)
            : quoted(bytes, scan.tokenStart, scan.tokenEnd);
          throw new ValueError(`"${number}" is out of range for type ${label}`);
        }
      }
      w.ensure(size);
      if (size === 4) w.view.setFloat32(w.length, value);
      else w.view.setFloat64(w.length, value);
      w.length += size;
    },
  };
}
