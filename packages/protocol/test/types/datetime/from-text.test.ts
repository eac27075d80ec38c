import { describe, expect, it } from 'vitest';
import {
  dateConverter,
  timeConverter,
  timestampConverter,
  zoneRules,
} from '../../../src/types/datetime/index.ts';
import { hexOf, int32Hex, int64Hex, messageOf } from '../input/support/convert.ts';

const SESSION = { timeZone: 'UTC', serverVersion: 170_000 };
const EPOCH_2000 = Date.UTC(2000, 0, 1);

/** µs from 2000-01-01 for an ISO instant (µs given separately, years beyond Date's parser by setter). */
function micros(iso: string, extraMicros = 0, year?: number): bigint {
  const date = new Date(`${iso}Z`);
  if (year !== undefined) date.setUTCFullYear(year);
  return BigInt(date.getTime() - EPOCH_2000) * 1000n + BigInt(extraMicros);
}

describe('date', () => {
  const date = dateConverter(SESSION);

  it('reads ISO dates, dropping a time and zone', () => {
    expect(hexOf(date, '2000-01-01')).toBe('00000000');
    expect(hexOf(date, '2020-01-01')).toBe(int32Hex(7305));
    expect(hexOf(date, ' 2020-1-5 ')).toBe(int32Hex(7309));
    expect(hexOf(date, '2020-01-01 23:59:59+14')).toBe(int32Hex(7305));
    expect(hexOf(date, '0001-01-01 BC')).toBe(int32Hex(-730_485));
    expect(hexOf(date, '10000-01-01')).toBe(int32Hex(2_921_940));
  });

  it('reads infinity and epoch', () => {
    expect(hexOf(date, 'infinity')).toBe('7fffffff');
    expect(hexOf(date, ' -Infinity ')).toBe('80000000');
    expect(hexOf(date, 'epoch')).toBe(int32Hex(-10957));
    expect(hexOf(date, '+infinity')).toBe('7fffffff');
    expect(messageOf(dateConverter({ timeZone: 'UTC', serverVersion: 150_000 }), '+infinity')).toMatch(
      /invalid input/,
    );
  });

  it('checks fields and range as the server does', () => {
    expect(messageOf(date, '2019-02-29')).toBe('date/time field value out of range: "2019-02-29"');
    expect(messageOf(date, '2020-13-01')).toBe('date/time field value out of range: "2020-13-01"');
    expect(messageOf(date, '0000-01-01')).toBe('date/time field value out of range: "0000-01-01"');
    expect(messageOf(date, '2020-01-01 25:00')).toBe(
      'date/time field value out of range: "2020-01-01 25:00"',
    );
    expect(hexOf(date, '4714-11-24 BC')).toBe(int32Hex(-2_451_545));
    expect(messageOf(date, '4714-11-23 BC')).toBe('date out of range: "4714-11-23 BC"');
    expect(hexOf(date, '5874897-12-31')).toBe(int32Hex(2_145_031_948));
    expect(messageOf(date, '5874898-01-01')).toBe('date out of range: "5874898-01-01"');
    expect(messageOf(date, '')).toBe('invalid input syntax for type date: ""');
    expect(messageOf(date, 'abc')).toBe('invalid input syntax for type date: "abc"');
  });

  it('leaves other forms to the server, saying how', () => {
    for (const text of ['Jan 5 2020', '01/05/2020', '20-01-05', 'today', '20200105']) {
      expect(messageOf(date, text)).toMatch(
        /^cannot convert .* to date in binary format: .*copyFormat: 'text'/,
      );
    }
  });
});

describe('timestamp', () => {
  const timestamp = timestampConverter(null, SESSION);

  it('reads ISO forms with space or T, fractions rounded to µs like the server', () => {
    expect(hexOf(timestamp, '2000-01-01 00:00:00')).toBe(int64Hex(0n));
    expect(hexOf(timestamp, '2020-01-01T10:20:30.123456')).toBe(
      int64Hex(micros('2020-01-01T10:20:30.123', 456)),
    );
    expect(hexOf(timestamp, '2020-01-01 10:20')).toBe(int64Hex(micros('2020-01-01T10:20:00')));
    expect(hexOf(timestamp, '2020-01-01 7:5:3')).toBe(int64Hex(micros('2020-01-01T07:05:03')));
    expect(hexOf(timestamp, '2020-01-01 10:00:00.1234565')).toBe(
      int64Hex(micros('2020-01-01T10:00:00.123', 456)),
    );
    expect(hexOf(timestamp, '2020-01-01 10:00:00.1234575')).toBe(
      int64Hex(micros('2020-01-01T10:00:00.123', 458)),
    );
    expect(hexOf(timestamp, '2020-01-01 23:59:59.9999995')).toBe(int64Hex(micros('2020-01-02T00:00:00')));
    expect(hexOf(timestamp, '2020-01-01 23:59:60')).toBe(int64Hex(micros('2020-01-02T00:00:00')));
    expect(hexOf(timestamp, '2020-01-01 24:00')).toBe(int64Hex(micros('2020-01-02T00:00:00')));
    expect(hexOf(timestamp, '2020-01-01 10:00:00.')).toBe(int64Hex(micros('2020-01-01T10:00:00')));
  });

  it('ignores a zone, as timestamp_in does', () => {
    expect(hexOf(timestamp, '2020-01-01 10:00:00+05:30')).toBe(hexOf(timestamp, '2020-01-01 10:00:00'));
    expect(hexOf(timestamp, '2020-01-01 10:00:00 Z')).toBe(hexOf(timestamp, '2020-01-01 10:00:00'));
  });

  it('covers the whole range exactly (beyond 2^53 µs)', () => {
    expect(hexOf(timestamp, '4714-11-24 00:00:00 BC')).toBe(int64Hex(-211_813_488_000_000_000n));
    expect(hexOf(timestamp, '294276-12-31 23:59:59.999999')).toBe(int64Hex(9_223_371_331_199_999_999n));
    expect(hexOf(timestamp, '1500-06-15 12:00:00.000001')).toBe(int64Hex(micros('1500-06-15T12:00:00', 1)));
    expect(hexOf(timestamp, 'infinity')).toBe('7fffffffffffffff');
    expect(hexOf(timestamp, '-infinity')).toBe('8000000000000000');
    expect(hexOf(timestamp, 'epoch')).toBe(int64Hex(-946_684_800_000_000n));
    expect(messageOf(timestamp, '294276-12-31 23:59:59.9999995')).toBe(
      'timestamp out of range: "294276-12-31 23:59:59.9999995"',
    );
    expect(messageOf(timestamp, '4714-11-23 23:00:00 BC')).toMatch(/^timestamp out of range/);
  });

  it('refuses bad fields with the server messages', () => {
    expect(messageOf(timestamp, '2020-01-01 23:59:60.5')).toMatch(/^date\/time field value out of range/);
    expect(messageOf(timestamp, '2020-01-01 10:60')).toMatch(/^date\/time field value out of range/);
    expect(messageOf(timestamp, '2020-01-01 10:00+16')).toMatch(/^time zone displacement out of range/);
    expect(messageOf(timestamp, '2020-01-01T')).toBe(
      'invalid input syntax for type timestamp: "2020-01-01T"',
    );
    expect(messageOf(timestamp, '2020-01-01 10:00\u0001')).toMatch(/^invalid input syntax/);
  });
});

describe('time and timetz', () => {
  const time = timeConverter(null, SESSION);
  const timetz = timeConverter(zoneRules('UTC'), SESSION);

  it('time: µs since midnight, up to 24:00:00', () => {
    expect(hexOf(time, '10:00:00')).toBe(int64Hex(36_000_000_000n));
    expect(hexOf(time, '24:00')).toBe(int64Hex(86_400_000_000n));
    expect(hexOf(time, '2020-01-01 10:00:00.5+05')).toBe(int64Hex(36_000_500_000n));
    expect(messageOf(time, '24:00:00.1')).toBe('date/time field value out of range: "24:00:00.1"');
    expect(messageOf(time, '2020-01-01T10:00')).toBe(
      'invalid input syntax for type time: "2020-01-01T10:00"',
    );
  });

  it('timetz: then the zone in seconds west of UTC', () => {
    expect(hexOf(timetz, '10:00:00+05')).toBe(`${int64Hex(36_000_000_000n)}${int32Hex(-18_000)}`);
    expect(hexOf(timetz, '10:00 -03:30')).toBe(`${int64Hex(36_000_000_000n)}${int32Hex(12_600)}`);
    expect(hexOf(timetz, '10:00')).toBe(`${int64Hex(36_000_000_000n)}${int32Hex(0)}`);
    const newYork = timeConverter(zoneRules('America/New_York'), SESSION);
    expect(hexOf(newYork, '2020-07-01 10:00')).toBe(`${int64Hex(36_000_000_000n)}${int32Hex(14_400)}`);
    expect(messageOf(newYork, '10:00')).toMatch(/^cannot convert .*server's date/);
  });
});
