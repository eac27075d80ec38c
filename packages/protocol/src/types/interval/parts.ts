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
import { roundHalfEven } from '../datetime/fields.ts';

const USECS_PER_DAY = 86_400_000_000;
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
function addFractMicros(frac: number, scale: number): boolean {
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
function addMicros(val: number, fval: number, scale: number): boolean {
  const product = val * scale;
  if (!Number.isSafeInteger(product)) return false;
  parts.micros += product;
  return Number.isSafeInteger(parts.micros) && addFractMicros(fval, scale);
}

/** AdjustDays. */
function addDays(val: number, scale: number): boolean {
  if (!isInt32(val) || !isInt32(val * scale)) return false;
  parts.days += val * scale;
  return isInt32(parts.days);
}

/** AdjustFractDays: frac · scale days, whole days to days, the rest to µs. */
function addFractDays(frac: number, scale: number): boolean {
  if (frac === 0) return true;
  let f = frac * scale;
  const extra = Math.trunc(f);
  parts.days += extra;
  if (!isInt32(parts.days)) return false;
  f -= extra;
  return addFractMicros(f, USECS_PER_DAY);
}

/** AdjustMonths. */
function addMonths(val: number): boolean {
  if (!isInt32(val)) return false;
  parts.months += val;
  return isInt32(parts.months);
}

/** AdjustYears. */
function addYears(val: number, scale: number): boolean {
  if (!isInt32(val) || !isInt32(val * scale)) return false;
  parts.years += val * scale;
  return isInt32(parts.years);
}

/** AdjustFractYears: frac · scale years to whole months, rint. */
function addFractYears(frac: number, scale: number): boolean {
  parts.months += roundHalfEven(frac * scale * 12);
  return isInt32(parts.months);
}

// Units, as the masks (DTK_M) the server tracks which fields it has seen by.
export const YEAR = 1 << 0;
export const MONTH = 1 << 1;
export const DAY = 1 << 2;
export const HOUR = 1 << 3;
export const MINUTE = 1 << 4;
export const SECOND = 1 << 5;
export const MILLISECOND = 1 << 6;
export const MICROSECOND = 1 << 7;
export const WEEK = 1 << 8;
export const DECADE = 1 << 9;
export const CENTURY = 1 << 10;
export const MILLENNIUM = 1 << 11;

/**
 * Adds val + fval of `unit` the way DecodeInterval and DecodeISO8601Interval both do (the integer
 * part and the fraction each by its own step); false where the sums leave what is followed exactly,
 * or for a unit that is none of the above.
 */
export function addUnit(unit: number, val: number, fval: number): boolean {
  switch (unit) {
    case MICROSECOND:
      return addMicros(val, fval, 1);
    case MILLISECOND:
      return addMicros(val, fval, 1000);
    case SECOND:
      return addMicros(val, fval, USECS_PER_SEC);
    case MINUTE:
      return addMicros(val, fval, USECS_PER_MINUTE);
    case HOUR:
      return addMicros(val, fval, USECS_PER_HOUR);
    case DAY:
      return addDays(val, 1) && addFractMicros(fval, USECS_PER_DAY);
    case WEEK:
      return addDays(val, 7) && addFractDays(fval, 7);
    case MONTH:
      return addMonths(val) && addFractDays(fval, DAYS_PER_MONTH);
    case YEAR:
      return addYears(val, 1) && addFractYears(fval, 1);
    case DECADE:
      return addYears(val, 10) && addFractYears(fval, 10);
    case CENTURY:
      return addYears(val, 100) && addFractYears(fval, 100);
    case MILLENNIUM:
      return addYears(val, 1000) && addFractYears(fval, 1000);
    default:
      return false;
  }
}

/** itmin2interval: false if years · 12 + months leaves int32. */
export function totalMonthsFit(): boolean {
  return isInt32(parts.years * 12 + parts.months);
}
