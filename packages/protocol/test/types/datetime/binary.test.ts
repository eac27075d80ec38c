import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dateCodec,
  dateStringCodec,
  decodeDate,
  decodeTimestamp,
  decodeTimestamptz,
  timeCodec,
  timestampCodec,
  timestampMicros,
  timestampStringCodec,
  timestamptzCodec,
  timestamptzStringCodec,
} from '../../../src/types/datetime/index.ts';
import type { BinaryCodec } from '../../../src/types/shared/codec.ts';
import { ValueError } from '../../../src/types/shared/codec.ts';
import { decode, encode } from '../../support/binary-codec.ts';

function int64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value);
  return bytes;
}

function micros(codec: BinaryCodec, value: unknown): bigint {
  const bytes = encode(codec, value);
  return timestampMicros(bytes, 0, 8);
}

const ascii = new TextEncoder();
const text = (value: string) => ascii.encode(value);
const sameTime = (a: unknown, b: unknown) => {
  if (a instanceof Date && b instanceof Date) return Object.is(a.getTime(), b.getTime());
  return Object.is(a, b);
};

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** The server's timestamp range, µs since 2000-01-01: [4714-11-24 BC, 294277-01-01). */
const MIN_TIMESTAMP = -211_813_488_000_000_000n;
const END_TIMESTAMP = 9_223_371_331_200_000_000n;

describe('timestamptz', () => {
  it('counts µs from 2000-01-01 UTC', () => {
    expect(micros(timestamptzCodec, '2000-01-01 00:00:00+00')).toBe(0n);
    expect(micros(timestamptzCodec, new Date(Date.UTC(2000, 0, 1)))).toBe(0n);
    expect(micros(timestamptzCodec, Date.UTC(2000, 0, 1, 0, 0, 1))).toBe(1_000_000n);
    expect(micros(timestamptzCodec, '1999-12-31T23:59:59.999999Z')).toBe(-1n);
    expect(micros(timestamptzCodec, '2000-01-01T05:30:00+05:30')).toBe(0n);
    expect(micros(timestamptzCodec, '2000-01-01 00:00:00.000001-0000')).toBe(1n);
    expect(micros(timestamptzCodec, '2000-01-01T00:19:32+00:19:32')).toBe(0n);
  });

  it('keeps microseconds from strings and fractional milliseconds from numbers', () => {
    expect(micros(timestamptzCodec, '2024-03-10 12:34:56.789012Z') % 1_000_000n).toBe(789_012n);
    expect(micros(timestamptzCodec, '2024-03-10 12:34:56.7Z') % 1_000_000n).toBe(700_000n);
    expect(micros(timestamptzCodec, Date.UTC(2000, 0, 1) + 0.5)).toBe(500n);
    expect(micros(timestamptzCodec, '2000-01-01 00:00:00.1234567Z')).toBe(123_457n);
    expect(micros(timestamptzCodec, '2000-01-01 00:00:00.9999999Z')).toBe(1_000_000n);
  });

  it('maps the infinities to the int64 extremes and back', () => {
    for (const value of [Number.POSITIVE_INFINITY, 'infinity', 'Infinity', '+infinity']) {
      expect(micros(timestamptzCodec, value)).toBe(INT64_MAX);
    }
    for (const value of [Number.NEGATIVE_INFINITY, '-infinity']) {
      expect(micros(timestamptzCodec, value)).toBe(INT64_MIN);
    }
    expect(decode(timestamptzCodec, int64(INT64_MAX))).toBe(Number.POSITIVE_INFINITY);
    expect(decode(timestampCodec, int64(INT64_MIN))).toBe(Number.NEGATIVE_INFINITY);
    expect(decode(timestamptzStringCodec, int64(INT64_MIN))).toBe('-infinity');
  });

  it('reads BC and five-digit years, and ISO expanded years', () => {
    expect(decode(timestamptzStringCodec, encode(timestamptzCodec, '0044-03-15 12:00:00+00 BC'))).toBe(
      '0044-03-15 12:00:00+00 BC',
    );
    expect(decode(timestamptzStringCodec, encode(timestamptzCodec, '-000043-03-15T12:00:00Z'))).toBe(
      '0044-03-15 12:00:00+00 BC',
    );
    expect(decode(timestamptzStringCodec, encode(timestamptzCodec, '+275760-09-13T00:00:00.000Z'))).toBe(
      '275760-09-13 00:00:00+00',
    );
    expect(decode(timestamptzStringCodec, encode(timestamptzCodec, new Date(-62167219200000)))).toBe(
      '0001-01-01 00:00:00+00 BC',
    );
  });

  it('refuses an era after an expanded year, and expanded years under four digits', () => {
    expect(() => encode(timestamptzCodec, '+2020-01-01T00:00:00Z BC')).toThrow(
      'invalid input syntax for type timestamp with time zone: "+2020-01-01T00:00:00Z BC"',
    );
    expect(() => encode(dateCodec, '-123-01-01')).toThrow('invalid input syntax for type date: "-123-01-01"');
  });

  it("reads strings as the server does: 'epoch', whitespace, one-digit fields, zone words", () => {
    expect(micros(timestamptzCodec, 'epoch')).toBe(-946_684_800_000_000n);
    expect(micros(timestamptzCodec, ' 2000-1-1 0:0:1 UTC ')).toBe(1_000_000n);
    expect(() => encode(timestamptzCodec, '2000-01-01T00:00:00+053000')).toThrow(
      'time zone displacement out of range',
    );
    expect(() => encode(timestamptzCodec, '\u00a02000-01-01Z')).toThrow(ValueError);
  });

  it('refuses text without a zone: the session TimeZone is unknown here', () => {
    expect(() => encode(timestamptzCodec, '2024-01-01 10:00:00')).toThrow('needs a zone');
  });

  it.each([
    ['2024-02-30 00:00:00Z', 'date/time field value out of range'],
    ['2023-02-29T00:00:00Z', 'date/time field value out of range'],
    ['2024-01-01T25:00:00Z', 'date/time field value out of range'],
    ['2024-01-01T24:00:01Z', 'date/time field value out of range'],
    ['0000-01-01T00:00:00Z', 'date/time field value out of range'],
    ['2024-01-01T00:00:00+16:00', 'time zone displacement out of range'],
    ['24-01-01', 'cannot convert'],
    ['2024-01-01 garbage', 'cannot convert'],
    ['4714-11-23 23:59:59Z BC', 'out of range'],
    ['294277-01-01 00:00:00Z', 'out of range'],
  ])('refuses %s', (value, message) => {
    expect(() => encode(timestamptzCodec, value)).toThrow(ValueError);
    expect(() => encode(timestamptzCodec, value)).toThrow(message);
  });

  it('refuses Invalid Date, NaN and other kinds', () => {
    expect(() => encode(timestamptzCodec, new Date(Number.NaN))).toThrow('Invalid Date');
    expect(() => encode(timestamptzCodec, Number.NaN)).toThrow('NaN');
    expect(() => encode(timestamptzCodec, true)).toThrow('timestamptz expects a Date');
    expect(() => encode(timestamptzCodec, new Date(-8.64e15))).toThrow('out of range');
  });

  it('accepts the edges of the range', () => {
    expect(micros(timestamptzCodec, '4714-11-24 00:00:00+00 BC')).toBe(MIN_TIMESTAMP);
    expect(micros(timestamptzCodec, '294276-12-31 23:59:59.999999+00')).toBe(END_TIMESTAMP - 1n);
  });
});

describe('timestamp', () => {
  it('takes Dates and numbers in UTC, and ignores a zone in text, as timestamp_in does', () => {
    expect(micros(timestampCodec, new Date(Date.UTC(2000, 0, 1, 1)))).toBe(3_600_000_000n);
    expect(micros(timestampCodec, '2000-01-01 01:00:00+05')).toBe(3_600_000_000n);
    expect(micros(timestampCodec, '2000-01-01T01:00')).toBe(3_600_000_000n);
    expect(micros(timestampCodec, '2000-01-02')).toBe(86_400_000_000n);
    expect(micros(timestampCodec, '2000-01-01 24:00:00')).toBe(86_400_000_000n);
  });
});

/** Every µs value of the server's range, plus extra weight on the edges and on 1 BC … 100 AD. */
const timestampValues = fc.oneof(
  fc.bigInt({ min: MIN_TIMESTAMP, max: END_TIMESTAMP - 1n }),
  fc.bigInt({ min: -63_113_904_000_000_000n, max: -59_958_144_000_000_000n }),
  fc.bigInt({ min: -1_000_000_000_000n, max: 1_000_000_000_000n }),
  fc.constantFrom(MIN_TIMESTAMP, END_TIMESTAMP - 1n, 0n, -1n, 1n),
);

/** Epoch ms of a timestamp's µs since 2000, floored, computed in bigint: the reference. */
const floorMillis = (us: bigint): number => {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  return Number(ms) + Date.UTC(2000, 0, 1);
};
const TWO_53 = 2n ** 53n;

describe('timestamptz µs → ms', () => {
  const around = (centre: bigint) => fc.bigInt({ min: centre - 3000n, max: centre + 3000n });
  it('floors exactly as bigint division, at the ±2^53 seam and sub-ms negatives included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          timestampValues,
          around(0n),
          around(TWO_53),
          around(-TWO_53),
          around(TWO_53 - 1000n * 2n ** 40n),
          fc.constantFrom(TWO_53 - 1n, TWO_53, -TWO_53, -TWO_53 - 1n, -1n, -999n, -1000n, -1001n, 999n),
        ),
        (us) => {
          const bytes = int64(us);
          const ms = floorMillis(us);
          expect((decode(timestamptzCodec, bytes) as Date).getTime()).toBe(ms > 8.64e15 ? Number.NaN : ms);
          // timestamp shares the path; its wall-clock Date is checked against the text path below.
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('decoding agrees with the text path', () => {
  it('timestamptz: Date equal to decodeTimestamptz of the server text', () => {
    fc.assert(
      fc.property(timestampValues, (us) => {
        const bytes = int64(us);
        const serverText = decode(timestamptzStringCodec, bytes) as string;
        expect(
          sameTime(
            decode(timestamptzCodec, bytes),
            decodeTimestamptz(text(serverText), 0, serverText.length),
          ),
        ).toBe(true);
        // The exact text encodes back to the same µs.
        expect(micros(timestamptzCodec, serverText)).toBe(us);
      }),
      { numRuns: 3000 },
    );
  });

  it('timestamp: local-time Date equal to decodeTimestamp of the server text', () => {
    fc.assert(
      fc.property(timestampValues, (us) => {
        const bytes = int64(us);
        const serverText = decode(timestampStringCodec, bytes) as string;
        expect(
          sameTime(decode(timestampCodec, bytes), decodeTimestamp(text(serverText), 0, serverText.length)),
        ).toBe(true);
        expect(micros(timestampCodec, serverText)).toBe(us);
      }),
      { numRuns: 3000 },
    );
  });

  it('date: Date at 00:00 UTC equal to decodeDate of the server text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_451_545, max: 2_145_031_948 }), (days) => {
        const bytes = new Uint8Array(4);
        new DataView(bytes.buffer).setInt32(0, days);
        const serverText = decode(dateStringCodec, bytes) as string;
        expect(sameTime(decode(dateCodec, bytes), decodeDate(text(serverText), 0, serverText.length))).toBe(
          true,
        );
        expect(Buffer.from(encode(dateCodec, serverText))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('timestamptz Dates round-trip exactly', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(-210_000_000_000_000), noInvalidDate: true }), (date) => {
        expect((decode(timestamptzCodec, encode(timestamptzCodec, date)) as Date).getTime()).toBe(
          date.getTime(),
        );
      }),
    );
  });
});

describe('date', () => {
  it('counts days from 2000-01-01', () => {
    const days = (value: unknown) => new DataView(encode(dateCodec, value).buffer).getInt32(0);
    expect(days('2000-01-01')).toBe(0);
    expect(days('1999-12-31')).toBe(-1);
    expect(days(new Date(Date.UTC(2000, 0, 2, 23, 59)))).toBe(1);
    expect(days('2000-01-02T10:00:00+05')).toBe(1);
    expect(days('4714-11-24 BC')).toBe(-2_451_545);
    expect(days('5874897-12-31')).toBe(2_145_031_948);
    expect(days('infinity')).toBe(0x7fffffff);
    expect(days(Number.NEGATIVE_INFINITY)).toBe(-0x80000000);
    expect(() => days('4714-11-23 BC')).toThrow('date out of range');
    expect(() => days('5874898-01-01')).toThrow('date out of range');
    expect(() => days(0)).toThrow('date expects a Date');
  });

  it('decodes to Date at 00:00 UTC, ±Infinity, or the server text', () => {
    expect(decode(dateCodec, encode(dateCodec, '2024-02-29'))).toEqual(new Date('2024-02-29'));
    expect(decode(dateCodec, encode(dateCodec, '-infinity'))).toBe(Number.NEGATIVE_INFINITY);
    expect(decode(dateStringCodec, encode(dateCodec, '4714-11-24 BC'))).toBe('4714-11-24 BC');
    expect(decode(dateStringCodec, encode(dateCodec, 'infinity'))).toBe('infinity');
  });
});

describe('time', () => {
  it.each([
    ['00:00:00', '00:00:00'],
    ['12:34', '12:34:00'],
    ['12:34:56.5', '12:34:56.5'],
    ['12:34:56.000001', '12:34:56.000001'],
    ['23:59:59.999999', '23:59:59.999999'],
    ['24:00:00', '24:00:00'],
    ['1:02:03', '01:02:03'],
  ])('%s → %s', (value, expected) => {
    expect(decode(timeCodec, encode(timeCodec, value))).toBe(expected);
  });

  it('rounds fractions beyond µs half to even, as time_in does, and drops a date or zone', () => {
    expect(decode(timeCodec, encode(timeCodec, '00:00:00.0000005'))).toBe('00:00:00');
    expect(decode(timeCodec, encode(timeCodec, '00:00:00.0000015'))).toBe('00:00:00.000002');
    expect(decode(timeCodec, encode(timeCodec, '2024-01-01 12:00:00+05'))).toBe('12:00:00');
  });

  it('refuses times outside a day and other kinds', () => {
    expect(() => encode(timeCodec, '24:00:00.000001')).toThrow('date/time field value out of range');
    expect(() => encode(timeCodec, '12:60:00')).toThrow('date/time field value out of range');
    expect(() => encode(timeCodec, 'noon')).toThrow('invalid input syntax for type time: "noon"');
    expect(() => encode(timeCodec, 3600)).toThrow('time expects a string');
  });
});
