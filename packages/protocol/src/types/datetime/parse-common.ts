/**
 * The fast path of the date/time reader: the shapes most data has, read at fixed positions. Anything
 * else (whitespace, one-digit fields, eras, zone words other than Z, other forms) is left to the
 * general reader in datetime-text.ts, which reads these shapes the same way, only slower.
 */
import { MINUS, PLUS } from '../shared/ascii.ts';
import { fractionMicros, parsed } from './fields.ts';

/** Two ASCII digits at bytes[at] as a number, or -1. */
function twoDigits(bytes: Uint8Array, at: number): number {
  const high = bytes[at]! - 0x30;
  const low = bytes[at + 1]! - 0x30;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

/**
 * The common shapes at fixed positions, without whitespace: YYYY-MM-DD, optionally followed by
 * ' ' or 'T' and HH:MM[:SS[.f…]] (up to 9 fraction digits) and Z | ±HH | ±HHMM | ±HH:MM. Returns
 * false for anything else, which the general reader then takes; the range checks follow either way.
 */
export function parseCommon(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 10 || bytes[start + 4] !== MINUS || bytes[start + 7] !== MINUS) return false;
  const century = twoDigits(bytes, start);
  const yearOfCentury = twoDigits(bytes, start + 2);
  const month = twoDigits(bytes, start + 5);
  const day = twoDigits(bytes, start + 8);
  if (century < 0 || yearOfCentury < 0 || month < 0 || day < 0) return false;
  parsed.hasDate = true;
  parsed.year = century * 100 + yearOfCentury;
  parsed.month = month;
  parsed.day = day;
  let i = start + 10;
  if (i === end) return true;
  const separator = bytes[i];
  if ((separator !== 0x20 && separator !== 0x54) || end - i < 6 || bytes[i + 3] !== 0x3a) return false;
  const hour = twoDigits(bytes, i + 1);
  const minute = twoDigits(bytes, i + 4);
  if (hour < 0 || minute < 0) return false;
  parsed.hasTime = true;
  parsed.hour = hour;
  parsed.minute = minute;
  i += 6;
  if (i < end && bytes[i] === 0x3a) {
    const second = end - i >= 3 ? twoDigits(bytes, i + 1) : -1;
    if (second < 0) return false;
    parsed.second = second;
    i += 3;
    if (i < end && bytes[i] === 0x2e) {
      let k = i + 1;
      while (k < end && k - i <= 9 && bytes[k]! >= 0x30 && bytes[k]! <= 0x39) k++;
      if (k - i > 9) return false;
      parsed.micros = fractionMicros(bytes, i + 1, k);
      i = k;
    }
  }
  if (i === end) return true;
  const sign = bytes[i];
  if (sign === 0x5a && i + 1 === end) {
    parsed.hasZone = true;
    parsed.zoneWord = 'z';
    return true;
  }
  if ((sign !== PLUS && sign !== MINUS) || end - i < 3) return false;
  const zoneHours = twoDigits(bytes, i + 1);
  let zoneMinutes = 0;
  if (zoneHours < 0) return false;
  if (end - i === 5) zoneMinutes = twoDigits(bytes, i + 3);
  else if (end - i === 6 && bytes[i + 3] === 0x3a) zoneMinutes = twoDigits(bytes, i + 4);
  else if (end - i !== 3) return false;
  if (zoneMinutes < 0) return false;
  const offset = zoneHours * 3600 + zoneMinutes * 60;
  parsed.hasZone = true;
  parsed.offset = sign === MINUS ? -offset : offset;
  parsed.zoneOverflow = zoneHours > 15 || zoneMinutes >= 60;
  return true;
}
