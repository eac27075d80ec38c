/**
 * timestamptz in session zones, where the text has no offset: DST gaps and overlaps resolved as the
 * server resolves them (the later instant), half-hour shifts, local mean time with seconds, fixed
 * POSIX offsets. The oracle test compares all of this with the server itself; these pin known values.
 */
import { describe, expect, it } from 'vitest';
import { timestampConverter, zoneRules } from '../../../src/types/datetime/index.ts';
import { hexOf, int64Hex, messageOf } from '../input/support/convert.ts';

const EPOCH_2000 = Date.UTC(2000, 0, 1);

function at(zone: string, version = 170_000) {
  const rules = zoneRules(zone);
  if (!rules) throw new Error(`no rules for ${zone}`);
  return timestampConverter(rules, { timeZone: zone, serverVersion: version });
}

/** The expected bytes for a UTC instant. */
function utc(iso: string): string {
  return int64Hex(BigInt(Date.parse(`${iso}Z`) - EPOCH_2000) * 1000n);
}

describe('timestamptz', () => {
  it('uses an offset written in the text', () => {
    const converter = at('America/New_York');
    expect(hexOf(converter, '2020-01-01 10:00:00+05:30')).toBe(utc('2020-01-01T04:30:00'));
    expect(hexOf(converter, '2020-01-01T10:00:00Z')).toBe(utc('2020-01-01T10:00:00'));
    expect(hexOf(converter, '2020-01-01 10:00 UTC')).toBe(utc('2020-01-01T10:00:00'));
    expect(hexOf(converter, '2020-01-01 10:00 -0800')).toBe(utc('2020-01-01T18:00:00'));
    expect(hexOf(converter, '2020-01-01+05')).toBe(utc('2019-12-31T19:00:00'));
  });

  it('reads local time in America/New_York, gap and overlap included', () => {
    const converter = at('America/New_York');
    expect(hexOf(converter, '2020-01-15 12:00')).toBe(utc('2020-01-15T17:00:00'));
    expect(hexOf(converter, '2020-07-15 12:00')).toBe(utc('2020-07-15T16:00:00'));
    // 02:30 does not exist on 2020-03-08: read with the old offset, i.e. 03:30 EDT.
    expect(hexOf(converter, '2020-03-08 02:30')).toBe(utc('2020-03-08T07:30:00'));
    expect(hexOf(converter, '2020-03-08 03:00')).toBe(utc('2020-03-08T07:00:00'));
    // 01:30 happens twice on 2020-11-01: the second one (EST).
    expect(hexOf(converter, '2020-11-01 01:30')).toBe(utc('2020-11-01T06:30:00'));
    expect(hexOf(converter, '2020-11-01 00:59:59')).toBe(utc('2020-11-01T04:59:59'));
    expect(hexOf(converter, '2020-11-01 02:00')).toBe(utc('2020-11-01T07:00:00'));
    // Local mean time before 1883-11-18 12:03:58: -4:56:02.
    expect(hexOf(converter, '1800-01-01 00:00')).toBe(utc('1800-01-01T04:56:02'));
  });

  it('reads local time in Australia/Lord_Howe, whose DST is half an hour', () => {
    const converter = at('Australia/Lord_Howe');
    expect(hexOf(converter, '2020-06-01 12:00')).toBe(utc('2020-06-01T01:30:00'));
    expect(hexOf(converter, '2020-12-01 12:00')).toBe(utc('2020-12-01T01:00:00'));
    // 02:00-02:30 is skipped on 2020-10-04: 02:15 is read at +10:30.
    expect(hexOf(converter, '2020-10-04 02:15')).toBe(utc('2020-10-03T15:45:00'));
    // 01:30-02:00 happens twice on 2020-04-05: the second one, at +10:30.
    expect(hexOf(converter, '2020-04-05 01:45')).toBe(utc('2020-04-04T15:15:00'));
  });

  it('reads fixed POSIX offsets as the server reports them (west positive)', () => {
    expect(hexOf(at('<+05:30>-05:30'), '2020-01-01 10:00')).toBe(utc('2020-01-01T04:30:00'));
    expect(hexOf(at('UTC+3'), '2020-01-01 10:00')).toBe(utc('2020-01-01T13:00:00'));
    // With TimeZone 'UTC+3', PostgreSQL 18 reads 'UTC' in text as the session zone, older ones as UTC.
    expect(hexOf(at('UTC+3', 180_000), '2020-01-01 10:00 UTC')).toBe(utc('2020-01-01T13:00:00'));
    expect(hexOf(at('UTC+3', 150_000), '2020-01-01 10:00 UTC')).toBe(utc('2020-01-01T10:00:00'));
    expect(messageOf(at('UTC+3', 170_000), '2020-01-01 10:00 UTC')).toMatch(/^cannot convert/);
  });

  it('has no rules for zones it cannot follow', () => {
    expect(zoneRules('No/Such_Zone')).toBeNull();
    expect(zoneRules('AAA3BBB,M3.2.0,M11.1.0')).toBeNull();
    expect(zoneRules('EST5EDT')).not.toBeNull();
    expect(zoneRules('Etc/UTC')?.fixedOffset).toBe(0);
  });

  it('checks the range after the offset', () => {
    const converter = at('UTC');
    expect(messageOf(converter, '294276-12-31 23:59:59-01')).toBe(
      'timestamp out of range: "294276-12-31 23:59:59-01"',
    );
    expect(messageOf(converter, '4714-11-24 00:30:00+01 BC')).toMatch(/^timestamp out of range/);
    expect(hexOf(converter, '4714-11-24 00:30:00-01 BC')).toBe(
      int64Hex(-211_813_488_000_000_000n + 5_400_000_000n),
    );
  });
});
