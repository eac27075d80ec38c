/**
 * numeric's binary codec (numeric_send / numeric_recv; the format is described in from-text.ts).
 * Encoding takes a decimal string in numeric_in's syntax, a number (via its shortest round-trip text,
 * so 0.1 is 0.1) or a bigint, and reads the text with the FromText parser, so a JS value and a CSV
 * field are held to the same syntax and limits; the server's version is not known here, so forms that
 * depend on it (underscores, '1e 5') are refused. Decoding yields the exact text the server prints
 * (dscale digits after the point), as the text path does.
 */

import { ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { readInt16, readUint16 } from '../shared/bytes.ts';
import { type BinaryCodec, wrongKind } from '../shared/codec.ts';
import { loadString, stringField } from '../string-field.ts';
import {
  SIGN_INFINITY,
  SIGN_NAN,
  SIGN_NEGATIVE,
  SIGN_NEGATIVE_INFINITY,
  SIGN_POSITIVE,
  writeNumericText,
} from './from-text.ts';

function numericText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return String(value); // 'Infinity', '-Infinity', '1e+21', '5e-7'; -0 prints as '0'
  }
  if (typeof value === 'bigint') return value.toString();
  throw wrongKind('numeric', 'a decimal string, number or bigint', value);
}

/** Appends the numeric `text` (numeric_in's syntax) in binary format, or throws ValueError. */
export function encodeNumericText(w: Writer, text: string): void {
  loadString(text);
  writeNumericText(w, stringField.bytes, 0, stringField.end, undefined);
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
