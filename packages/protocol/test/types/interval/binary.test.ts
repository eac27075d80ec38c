import { describe, expect, it } from 'vitest';
import { intervalCodec } from '../../../src/types/interval/binary.ts';
import { Writer } from '../../../src/wire/writer.ts';

function roundTrip(value: unknown): unknown {
  const w = new Writer(4);
  intervalCodec.encode(w, value);
  const bytes = w.take();
  return intervalCodec.decode(bytes, 0, bytes.length);
}

describe('interval', () => {
  it('writes µs, days, months in that order', () => {
    const w = new Writer(4);
    // As PostgreSQL 15 sends '1 year 2 mons -3 days +04:05:06.5'.
    intervalCodec.encode(w, { months: 14, days: -3, microseconds: 14_706_500_000n });
    expect(Buffer.from(w.take()).toString('hex')).toBe('000000036c9361a0' + 'fffffffd' + '0000000e');
  });

  it.each([
    ['1 year 2 mons -3 days +04:05:06.5', { months: 14, days: -3, microseconds: 14_706_500_000n }],
    ['-04:05:06', { months: 0, days: 0, microseconds: -14_706_000_000n }],
    ['@ 1 day 2 hours ago', { months: 0, days: -1, microseconds: -7_200_000_000n }],
    ['3 weeks 1 ms 5 us', { months: 0, days: 21, microseconds: 1005n }],
    ['1.5 seconds', { months: 0, days: 0, microseconds: 1_500_000n }],
    ['P1Y2M3DT4H5M6.5S', { months: 14, days: 3, microseconds: 14_706_500_000n }],
    ['P2W', { months: 0, days: 14, microseconds: 0n }],
    ['-P1D', { months: 0, days: -1, microseconds: 0n }],
    ['PT-1M', { months: 0, days: 0, microseconds: -60_000_000n }],
  ])('reads %j', (text, expected) => {
    expect(roundTrip(text)).toEqual(expected);
  });

  it('takes objects of parts or calendar units', () => {
    expect(roundTrip({ months: 1, days: 2, microseconds: 3 })).toEqual({
      months: 1,
      days: 2,
      microseconds: 3n,
    });
    expect(roundTrip({ years: 1, hours: 1, seconds: 0.25 })).toEqual({
      months: 12,
      days: 0,
      microseconds: 3_600_250_000n,
    });
    expect(roundTrip({ microseconds: 2n ** 63n - 1n })).toEqual({
      months: 0,
      days: 0,
      microseconds: 2n ** 63n - 1n,
    });
  });

  it.each([
    [{ month: 1 }, 'unknown field "month"'],
    [{ days: 1.5 }, 'fractional days'],
    [{ days: '1' }, 'days must be a number'],
    [{ microseconds: 2n ** 63n }, 'interval out of range'],
    [{ months: 2 ** 31 }, 'interval out of range'],
    ['1.5 months', 'fractional months'],
    ['1 fortnight', 'unknown unit "fortnight"'],
    ['P', 'invalid input syntax for interval'],
    ['', 'invalid input syntax for interval'],
    ['5', 'invalid input syntax for interval'],
    [new Date(), 'interval expects'],
  ])('refuses case %#', (value, message) => {
    expect(() => roundTrip(value)).toThrow(message);
  });
});
