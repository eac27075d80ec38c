/**
 * Date/time values → the text the server prints under DateStyle ISO (the `*StringCodec` decoders),
 * and a Date → the ISO 8601 text Haul sends as a text parameter.
 */
import { civil, civilFromDays } from './calendar.ts';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Days since 1970-01-01 (and, for a timestamp, the time of day) → `YYYY-MM-DD[ HH:MM:SS[.ffffff]]
 * [zone][ BC]`. `zone` is appended as given ('+00').
 */
export function formatDateTime(
  days: number,
  time: { seconds: number; micros: number } | null,
  zone = '',
): string {
  civilFromDays(days);
  const { year, month, day } = civil;
  let text = `${pad(year <= 0 ? 1 - year : year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (time !== null) text += ` ${formatTime(time.seconds, time.micros)}`;
  text += zone;
  return year <= 0 ? `${text} BC` : text;
}

/**
 * Seconds since midnight and microseconds → `HH:MM:SS[.ffffff]` with trailing zeros of the fraction
 * dropped, as the server prints times.
 */
export function formatTime(seconds: number, micros: number): string {
  const hour = Math.floor(seconds / 3600);
  const minute = Math.floor((seconds % 3600) / 60);
  const text = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(seconds % 60, 2)}`;
  if (micros === 0) return text;
  return `${text}.${pad(micros, 6).replace(/0+$/, '')}`;
}

/**
 * A valid Date → ISO 8601 text in UTC with millisecond precision, e.g. `2024-01-15T10:20:30.123Z`,
 * which the server reads as timestamptz, timestamp (ignoring the zone) or date. Unlike
 * `toISOString()`, years ≤ 0 and > 9999 are written the way PostgreSQL reads them (`0044-… BC`,
 * `10000-…`) instead of as ±YYYYYY. The caller rejects Invalid Date.
 */
export function encodeTimestamptz(value: Date): string {
  const year = value.getUTCFullYear();
  const text =
    `${pad(year <= 0 ? 1 - year : year, 4)}-${pad(value.getUTCMonth() + 1, 2)}-${pad(value.getUTCDate(), 2)}` +
    `T${pad(value.getUTCHours(), 2)}:${pad(value.getUTCMinutes(), 2)}:${pad(value.getUTCSeconds(), 2)}` +
    `.${pad(value.getUTCMilliseconds(), 3)}Z`;
  return year <= 0 ? `${text} BC` : text;
}
