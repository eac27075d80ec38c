/**
 * The sums interval input builds (the server's pg_itm_in: years, months, days, microseconds) and the
 * server's Adjust* steps that add a number of some unit to them, with its double arithmetic and
 * rounding, so that fractions spread exactly as the server spreads them: a fractional year to whole
 * months (rint), a fractional month to days of 30 and the rest to µs, a fractional day to µs.
 *
 * Each step returns false where the sums would leave what this code follows exactly (µs beyond 2^53,
 * days or months beyond int32): the server may accept such text or call it out of range, so the
 * caller leaves it to the server rather than guess.
 */
import { roundHalfEven } from '../input/datetime-fields.ts';

export const USECS_PER_DAY = 86_400_000_000;
export const USECS_PER_HOUR = 3_600_000_000;
export const USECS_PER_MINUTE = 60_000_000;
export const USECS_PER_SEC = 1_000_000;
const DAYS_PER_MONTH = 30;

const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;

function isInt32(v: number): boolean {
  return v >= INT32_MIN && v <= INT32_MAX;
}

/** Reused by every conversion: one interval is parsed at a time. */
export const parts = { years: 0, months: 0, days: 0, micros: 0 };

export function clearParts(): void {
  parts.years = 0;
  parts.months = 0;
  parts.days = 0;
  parts.micros = 0;
}

/** AdjustFractMicroseconds: frac · scale µs, to the nearest µs with exact halves toward zero. */
export function addFractMicros(frac: number, scale: number): boolean {
  if (frac === 0) return true;
  let f = frac * scale;
  let usec = Math.trunc(f);
  f -= usec;
  if (f > 0.5) usec++;
  else if (f < -0.5) usec--;
  parts.micros += usec;
  return Number.isSafeInteger(parts.micros);
}

/** AdjustMicroseconds: (val + fval) · scale µs. */
export function addMicros(val: number, fval: number, scale: number): boolean {
  const product = val * scale;
  if (!Number.isSafeInteger(product)) return false;
  parts.micros += product;
  return Number.isSafeInteger(parts.micros) && addFractMicros(fval, scale);
}

/** AdjustDays. */
export function addDays(val: number, scale: number): boolean {
  if (!isInt32(val) || !isInt32(val * scale)) return false;
  parts.days += val * scale;
  return isInt32(parts.days);
}

/** AdjustFractDays: frac · scale days, whole days to days, the rest to µs. */
export function addFractDays(frac: number, scale: number): boolean {
  if (frac === 0) return true;
  let f = frac * scale;
  const extra = Math.trunc(f);
  parts.days += extra;
  if (!isInt32(parts.days)) return false;
  f -= extra;
  return addFractMicros(f, USECS_PER_DAY);
}

/** AdjustMonths. */
export function addMonths(val: number): boolean {
  if (!isInt32(val)) return false;
  parts.months += val;
  return isInt32(parts.months);
}

/** AdjustYears. */
export function addYears(val: number, scale: number): boolean {
  if (!isInt32(val) || !isInt32(val * scale)) return false;
  parts.years += val * scale;
  return isInt32(parts.years);
}

/** AdjustFractYears: frac · scale years to whole months, rint. */
export function addFractYears(frac: number, scale: number): boolean {
  parts.months += roundHalfEven(frac * scale * 12);
  return isInt32(parts.months);
}

/** AdjustFractDays for a month's fraction. */
export function addFractMonths(frac: number): boolean {
  return addFractDays(frac, DAYS_PER_MONTH);
}

/** The value of the decimal fraction '.digits' in bytes[from, to) as strtod reads it. */
export function fractionValue(bytes: Uint8Array, from: number, to: number): number {
  const count = to - from;
  if (count === 0) return 0;
  if (count <= 15) {
    let value = 0;
    for (let k = from; k < to; k++) value = value * 10 + (bytes[k]! - 0x30);
    // Both operands exact, so the quotient is the correctly rounded decimal, as strtod's.
    return value / 10 ** count;
  }
  let text = '0.';
  for (let k = from; k < to; k++) text += String.fromCharCode(bytes[k]!);
  return Number(text);
}

/** itmin2interval: false if years · 12 + months leaves int32. */
export function totalMonthsFit(): boolean {
  return isInt32(parts.years * 12 + parts.months);
}
