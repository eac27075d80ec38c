import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil } from '../../../src/types/datetime/calendar.ts';
import {
  decodeDate,
  decodeTimestamp,
  decodeTimestamptz,
  encodeTimestamptz,
} from '../../../src/types/datetime/index.ts';

const encoder = new TextEncoder();

function field(text: string): [Uint8Array, number, number] {
  const body = encoder.encode(text);
  const bytes = new Uint8Array(body.length + 4).fill(0x31);
  bytes.set(body, 2);
  return [bytes, 2, 2 + body.length];
}

/** A UTC instant with any year (Date.UTC shifts 0–99 to 19xx). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime();
}

function time(value: unknown): number {
  expect(value).toBeInstanceOf(Date);
  return (value as Date).getTime();
}

describe('date', () => {
  it.each([
    ['2024-01-15', utc(2024, 1, 15)],
    ['1970-01-01', 0],
    ['2000-02-29', utc(2000, 2, 29)],
    ['0001-01-01', utc(1, 1, 1)],
    ['0099-12-31', utc(99, 12, 31)],
    ['0044-03-15 BC', utc(-43, 3, 15)],
    ['0001-01-01 BC', utc(0, 1, 1)],
    ['10000-01-01', utc(10000, 1, 1)],
  ])('%s → 00:00 UTC that day', (text, ms) => {
    expect(time(decodeDate(...field(text)))).toBe(ms);
  });

  it('maps infinity to ±Infinity', () => {
    expect(decodeDate(...field('infinity'))).toBe(Number.POSITIVE_INFINITY);
    expect(decodeDate(...field('-infinity'))).toBe(Number.NEGATIVE_INFINITY);
  });

  it('gives Invalid Date past what a Date holds', () => {
    expect(Number.isNaN(time(decodeDate(...field('5874897-12-31'))))).toBe(true);
  });

  it('returns text that is not ISO style unchanged', () => {
    expect(decodeDate(...field('01/15/2024'))).toBe('01/15/2024');
    expect(decodeDate(...field('15.01.2024'))).toBe('15.01.2024');
    expect(decodeDate(...field('2024-01-15x'))).toBe('2024-01-15x');
  });
});

describe('timestamptz', () => {
  it.each([
    ['2024-01-15 10:20:30+00', utc(2024, 1, 15, 10, 20, 30)],
    ['2024-01-15 10:20:30.123456+00', utc(2024, 1, 15, 10, 20, 30, 123)],
    ['2024-01-15 10:20:30.5+00', utc(2024, 1, 15, 10, 20, 30, 500)],
    ['2024-01-15 10:20:30.05+00', utc(2024, 1, 15, 10, 20, 30, 50)],
    ['2024-01-15 10:20:30.000001+00', utc(2024, 1, 15, 10, 20, 30)],
    ['2024-01-15 10:20:30+05:30', utc(2024, 1, 15, 4, 50, 30)],
    ['2024-01-15 10:20:30-08', utc(2024, 1, 15, 18, 20, 30)],
    ['1900-01-01 00:00:00+00:19:32', utc(1899, 12, 31, 23, 40, 28)],
    ['1969-12-31 23:59:59.999999+00', -1],
    ['0044-03-15 10:00:00+00 BC', utc(-43, 3, 15, 10)],
    ['0001-01-01 00:00:00+00', utc(1, 1, 1)],
    ['275760-09-13 00:00:00+00', 8.64e15],
  ])('%s', (text, ms) => {
    expect(time(decodeTimestamptz(...field(text)))).toBe(ms);
  });

  it('maps infinity to ±Infinity', () => {
    expect(decodeTimestamptz(...field('infinity'))).toBe(Number.POSITIVE_INFINITY);
    expect(decodeTimestamptz(...field('-infinity'))).toBe(Number.NEGATIVE_INFINITY);
  });

  it('returns other styles unchanged', () => {
    expect(decodeTimestamptz(...field('Mon Jan 15 10:20:30 2024 PST'))).toBe('Mon Jan 15 10:20:30 2024 PST');
    expect(decodeTimestamptz(...field('2024-01-15 10:20:30'))).toBe('2024-01-15 10:20:30');
  });

  it('agrees with Date for any instant in years 1000–9999 and any offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: utc(1000, 1, 1), max: utc(9999, 12, 31) }),
        fc.integer({ min: -15 * 60, max: 15 * 60 }),
        (ms, offsetMinutes) => {
          const wall = new Date(ms + offsetMinutes * 60_000).toISOString();
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = `${wall.slice(0, 10)} ${wall.slice(11, 23)}${offset}`;
          expect(time(decodeTimestamptz(...field(text)))).toBe(ms);
        },
      ),
    );
  });
});

describe('timestamp', () => {
  it('reads the wall clock in local time, as new Date does for the same text', () => {
    for (const text of ['2024-01-15 10:20:30', '2024-07-01 00:00:00.123', '1970-01-01 00:00:00']) {
      expect(time(decodeTimestamp(...field(text)))).toBe(new Date(text.replace(' ', 'T')).getTime());
    }
  });

  it('does not shift years 1–99 to the 1900s', () => {
    expect((decodeTimestamp(...field('0001-02-03 04:05:06')) as Date).getFullYear()).toBe(1);
    expect((decodeTimestamp(...field('0001-01-01 00:00:00 BC')) as Date).getFullYear()).toBe(0);
  });

  it('maps infinity to ±Infinity', () => {
    expect(decodeTimestamp(...field('infinity'))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('daysFromCivil', () => {
  it('agrees with Date.UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        const date = new Date(ms);
        const days = daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
        expect(days).toBe(Math.floor(ms / 86_400_000));
      }),
    );
  });
});

describe('encodeTimestamptz', () => {
  it.each([
    [new Date(Date.UTC(2024, 0, 15, 10, 20, 30, 123)), '2024-01-15T10:20:30.123Z'],
    [new Date(0), '1970-01-01T00:00:00.000Z'],
    [new Date(utc(1, 1, 1)), '0001-01-01T00:00:00.000Z'],
    [new Date(utc(0, 1, 1)), '0001-01-01T00:00:00.000Z BC'],
    [new Date(utc(-43, 3, 15, 10)), '0044-03-15T10:00:00.000Z BC'],
    [new Date(utc(10000, 1, 1)), '10000-01-01T00:00:00.000Z'],
  ])('%s → %s', (date, text) => {
    expect(encodeTimestamptz(date)).toBe(text);
  });

  it('matches toISOString in years 0001–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc(1, 1, 1), max: utc(9999, 12, 31) }), (ms) => {
        expect(encodeTimestamptz(new Date(ms))).toBe(new Date(ms).toISOString());
      }),
    );
  });
});
