/**
 * The fields of a date/time text as the readers leave them (datetime-text.ts, datetime-common.ts):
 * one module-level record, so reading a field allocates nothing.
 */

export const SPECIAL_NONE = 0;
export const SPECIAL_INFINITY = 1;
export const SPECIAL_NEGATIVE_INFINITY = 2;
export const SPECIAL_EPOCH = 3;

/** The fields of the last parse (module scratch: no object per value). */
export const parsed = {
  special: SPECIAL_NONE,
  hasDate: false,
  /** Astronomical: 1 BC is 0. */
  year: 0,
  month: 0,
  day: 0,
  hasTime: false,
  hour: 0,
  minute: 0,
  second: 0,
  /** 0..1,000,000: a fraction can round up to a whole second. */
  micros: 0,
  hasZone: false,
  /** Seconds east of UTC. */
  offset: 0,
  /** The zone was written as a word: 'z', 'utc' or 'gmt' (else ''). */
  zoneWord: '',
  /** The numeric zone is beyond ±15:59:59 (reported after the time's own checks, as the server does). */
  zoneOverflow: false,
};

/** Clears `parsed` before a read. */
export function reset(): void {
  parsed.special = SPECIAL_NONE;
  parsed.hasDate = false;
  parsed.hasTime = false;
  parsed.hasZone = false;
  parsed.hour = 0;
  parsed.minute = 0;
  parsed.second = 0;
  parsed.micros = 0;
  parsed.offset = 0;
  parsed.zoneWord = '';
  parsed.zoneOverflow = false;
}

/** rint(): to nearest, ties to even, as the server rounds fractional seconds. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The integer the ASCII digits in bytes[from, to) spell: exact up to 15 digits. */
function digitsValue(bytes: Uint8Array, from: number, to: number): number {
  let value = 0;
  for (let k = from; k < to; k++) value = value * 10 + (bytes[k]! - 0x30);
  return value;
}

/** The value of the decimal fraction '.digits' in bytes[from, to) as strtod reads it. */
export function fractionValue(bytes: Uint8Array, from: number, to: number): number {
  const count = to - from;
  if (count === 0) return 0;
  // Both operands exact, so the quotient is the correctly rounded decimal, as strtod's.
  if (count <= 15) return digitsValue(bytes, from, to) / 10 ** count;
  let text = '0.';
  for (let k = from; k < to; k++) text += String.fromCharCode(bytes[k]!);
  return Number(text);
}

/** Microseconds of the fraction digits in bytes[from, to), rounded as ParseFractionalSecond does. */
export function fractionMicros(bytes: Uint8Array, from: number, to: number): number {
  const count = to - from;
  if (count === 0) return 0;
  // Up to 6 digits exact: no rounding to do.
  if (count <= 6) return digitsValue(bytes, from, to) * 10 ** (6 - count);
  return roundHalfEven(fractionValue(bytes, from, to) * 1e6);
}
