/**
 * Proleptic Gregorian calendar arithmetic and PostgreSQL's date/time limits, for every date/time
 * path (text decoders, binary codecs, FromText converters, the session zone). Years are astronomical
 * (0 is 1 BC). Day numbers count from 1970-01-01 unless said otherwise.
 */

export const MS_PER_DAY = 86_400_000;
export const US_PER_DAY = 86_400_000_000;

/** 1970-01-01 → 2000-01-01, PostgreSQL's epoch for date and timestamp values. */
export const POSTGRES_EPOCH_DAYS = 10_957;
export const POSTGRES_EPOCH_SECONDS = POSTGRES_EPOCH_DAYS * 86_400;
export const POSTGRES_EPOCH_MS = POSTGRES_EPOCH_SECONDS * 1000;

/** date_in's range, in days from 2000-01-01: Julian day 0 (4714-11-24 BC) up to 5874898-01-01. */
export const MIN_DATE = -2_451_545;
export const END_DATE = 2_145_031_949;
/** timestamp_in's range in seconds from 2000-01-01: [4714-11-24 BC, 294277-01-01). */
export const MIN_TIMESTAMP_SECONDS = MIN_DATE * 86_400;
export const END_TIMESTAMP_SECONDS = 9_223_371_331_200;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * Days from 1970-01-01 to the date (month 1..12, any day count): eras of 400 years (146,097 days)
 * counted from March, so the leap day is the last day of each computed year.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  // 719,468 days separate 0000-03-01 (day 0 of era 0) from 1970-01-01.
  return era * 146_097 + dayOfEra - 719_468;
}

/** The year, month and day of the last `civilFromDays` call (module scratch: no object per value). */
export const civil = { year: 0, month: 0, day: 0 };

/** Days since 1970-01-01 → year, month, day into `civil`: the inverse of daysFromCivil. */
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

/**
 * IS_VALID_JULIAN: the fields the server's Julian-day routines accept, checked before anything is
 * computed from them (only the month counts at the lower end; the day is checked by the range after).
 */
export function isValidJulian(year: number, month: number): boolean {
  return (
    (year > -4713 || (year === -4713 && month >= 11)) &&
    (year < 5_874_898 || (year === 5_874_898 && month < 6))
  );
}
