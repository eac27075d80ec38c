/**
 * interval in binary format (interval_send): int64 µs, int32 days, int32 months, in that order.
 * The three parts stay separate because their lengths vary (a month is 28–31 days, a day 23–25 hours
 * across DST), so decoding gives `{ months, days, microseconds }` with microseconds a bigint (an int64,
 * exact, like int8).
 *
 * Encoding takes such an object (microseconds a number or bigint), an object of calendar units
 * (`{ years, months, weeks, days, hours, minutes, seconds, milliseconds, microseconds }`, any subset,
 * fractions only in seconds and milliseconds), an ISO 8601 duration (`P1Y2M3DT4H5M6.5S`, `P2W`), or
 * the server's own output style (`1 year 2 mons -3 days +04:05:06.5`, units spelled out or
 * abbreviated, `ago` negating). Fractional years, months, days, hours or minutes, which the server
 * would spread over smaller units, are refused: pass the parts explicitly.
 */

import { ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { readBigInt64, readInt32 } from '../shared/bytes.ts';
import { type BinaryCodec, ValueError, wrongKind } from '../shared/codec.ts';

export interface Interval {
  months: number;
  days: number;
  microseconds: bigint;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The unit a key or word adds to, and how many of that unit one of it is. */
type Part = readonly ['months' | 'days' | 'micros', number];
const UNITS: ReadonlyMap<string, Part> = new Map<string, Part>([
  ...aliases(['years', 'year', 'yrs', 'yr', 'y'], ['months', 12]),
  ...aliases(['months', 'month', 'mons', 'mon'], ['months', 1]),
  ...aliases(['weeks', 'week', 'w'], ['days', 7]),
  ...aliases(['days', 'day', 'd'], ['days', 1]),
  ...aliases(['hours', 'hour', 'hrs', 'hr', 'h'], ['micros', 3_600_000_000]),
  ...aliases(['minutes', 'minute', 'mins', 'min', 'm'], ['micros', 60_000_000]),
  ...aliases(['seconds', 'second', 'secs', 'sec', 's'], ['micros', 1_000_000]),
  ...aliases(['milliseconds', 'millisecond', 'msecs', 'msec', 'ms'], ['micros', 1000]),
  ...aliases(['microseconds', 'microsecond', 'usecs', 'usec', 'us'], ['micros', 1]),
]);

function aliases(names: string[], part: Part): [string, Part][] {
  return names.map((name) => [name, part]);
}

/** Sums parts into an interval, checking the int32/int64 ranges at the end. */
class Accumulator {
  months = 0n;
  days = 0n;
  micros = 0n;

  add(unitName: string, value: number | bigint, where: string): void {
    const unit = UNITS.get(unitName.toLowerCase());
    if (unit === undefined) throw new ValueError(`interval: unknown unit "${unitName}" in ${where}`);
    const [field, scale] = unit;
    if (typeof value === 'bigint') {
      this[field] += value * BigInt(scale);
      return;
    }
    if (!Number.isFinite(value)) throw new ValueError(`interval: ${unitName} must be finite, not ${value}`);
    if (Number.isInteger(value)) {
      this[field] += BigInt(value) * BigInt(scale);
    } else if (field === 'micros' && scale >= 1000) {
      const whole = Math.trunc(value);
      this.micros += BigInt(whole) * BigInt(scale) + BigInt(Math.round((value - whole) * scale));
    } else {
      throw new ValueError(
        `interval: fractional ${unitName} (${value}) is not supported; give { months, days, microseconds }`,
      );
    }
  }

  negate(): void {
    this.months = -this.months;
    this.days = -this.days;
    this.micros = -this.micros;
  }

  write(w: Writer): void {
    if (this.micros < INT64_MIN || this.micros > INT64_MAX)
      throw new ValueError('interval out of range (time part)');
    for (const part of [this.days, this.months]) {
      if (part < -2147483648n || part > 2147483647n)
        throw new ValueError('interval out of range (days or months)');
    }
    w.ensure(16);
    w.view.setBigInt64(w.length, this.micros);
    w.view.setInt32(w.length + 8, Number(this.days));
    w.view.setInt32(w.length + 12, Number(this.months));
    w.length += 16;
  }
}

const ISO =
  /^([+-])?P(?!$)(?:([+-]?\d+)Y)?(?:([+-]?\d+)M)?(?:([+-]?\d+)W)?(?:([+-]?\d+)D)?(?:T(?!$)(?:([+-]?\d+)H)?(?:([+-]?\d+)M)?(?:([+-]?\d+(?:\.\d+)?)S)?)?$/i;
const ISO_UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'];
const TIME = /^([+-])?(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

function parseIso(text: string, match: RegExpExecArray, acc: Accumulator): void {
  for (let i = 0; i < ISO_UNITS.length; i++) {
    const field = match[i + 2];
    if (field !== undefined) acc.add(ISO_UNITS[i]!, Number(field), `"${text}"`);
  }
  if (match[1] === '-') acc.negate();
}

function parsePostgres(text: string, acc: Accumulator): void {
  const tokens = text.trim().split(/\s+/);
  let i = tokens[0] === '@' ? 1 : 0;
  let ago = false;
  if (tokens[tokens.length - 1]?.toLowerCase() === 'ago') {
    ago = true;
    tokens.pop();
  }
  if (i >= tokens.length) throw new ValueError(`invalid input syntax for interval: "${text}"`);
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    const time = TIME.exec(token);
    if (time !== null) {
      const sign = time[1] === '-' ? -1 : 1;
      acc.add('hours', sign * Number(time[2]), `"${text}"`);
      acc.add('minutes', sign * Number(time[3]), `"${text}"`);
      if (time[4] !== undefined) acc.add('seconds', sign * Number(time[4]), `"${text}"`);
      continue;
    }
    const unit = tokens[i + 1];
    if (!NUMBER.test(token) || unit === undefined) {
      throw new ValueError(`invalid input syntax for interval: "${text}"`);
    }
    acc.add(unit, Number(token), `"${text}"`);
    i++;
  }
  if (ago) acc.negate();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export const intervalCodec: BinaryCodec = {
  name: 'interval',
  oid: Oid.interval,
  encode(w, value) {
    const acc = new Accumulator();
    if (typeof value === 'string') {
      const iso = ISO.exec(value.trim());
      if (iso !== null) parseIso(value, iso, acc);
      else parsePostgres(value, acc);
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        const part = value[key];
        if (part === undefined || part === null) continue;
        if (typeof part !== 'number' && typeof part !== 'bigint') {
          throw new ValueError(`interval: ${key} must be a number, not ${typeof part}`);
        }
        // Only the full key names: an object key is not a place for abbreviations.
        if (
          ![
            'years',
            'months',
            'weeks',
            'days',
            'hours',
            'minutes',
            'seconds',
            'milliseconds',
            'microseconds',
          ].includes(key)
        ) {
          throw new ValueError(`interval: unknown field "${key}"`);
        }
        acc.add(key, part, 'the object');
      }
    } else {
      throw wrongKind('interval', 'an { months, days, microseconds } object or an interval string', value);
    }
    acc.write(w);
  },
  decode(bytes, start, end): Interval {
    if (end - start !== 16)
      throw new ProtocolError(`interval: expected 16 bytes in binary format, got ${end - start}`);
    return {
      months: readInt32(bytes, start + 12),
      days: readInt32(bytes, start + 8),
      microseconds: readBigInt64(bytes, start),
    };
  },
};
