/**
 * The date/time converters against the server's input and send functions, timestamptz in several
 * session time zones: UTC, America/New_York, Australia/Lord_Howe (a half-hour DST shift), Europe/Berlin
 * and fixed POSIX offsets, across DST transitions second by second and historic local mean time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../../tools/test-targets.ts';
import { converterFor } from '../input/support/convert.ts';
import { compare, ServerOracle } from '../input/support/server-oracle.ts';
import {
  DATETIME_TEXTS,
  datetimeTexts,
  localRange,
  TIME_TEXTS,
  timeTexts,
  transitionSweep,
} from './support/datetime-corpus.ts';

/** Texts the converter leaves to the server although it accepts them: non-ISO forms. */
const NON_ISO =
  /:$|\d BC$|jan|tue|zulu|now|today|tomorrow|yesterday|allballs|america|\best\b|gmt\+|\/|\.\d\d\.|\b(am|pm)\b|,|20200105|^\s*[+-]\d|T$|J2451545|10:30\.5|BC 10|-0\d\d\b|\d\d:\d\d:\d\d:|^\s*\d{1,2}-|^20-/i;

const ZONES = ['UTC', 'America/New_York', 'Australia/Lord_Howe', 'Europe/Berlin', '<+05:30>-05:30', 'UTC+3'];
const SWEEP_YEARS = [1916, 1942, 1970, 1985, 2007, 2020, 2024, 2037, 2050];

describe.each(databaseTargets())('date/time converters against $name', ({ url }) => {
  let oracle: ServerOracle;
  beforeAll(async () => {
    oracle = await ServerOracle.open(url);
    await oracle.setTimeZone('UTC');
  });
  afterAll(async () => {
    await oracle?.close();
  });

  const generated = [...DATETIME_TEXTS, ...datetimeTexts(1500, 21, true)];

  it.each(['date', 'timestamp'])('%s matches the server byte for byte', async (type) => {
    const converter = converterFor(type, { timeZone: 'UTC', serverVersion: oracle.version })!;
    const result = await compare(oracle, type, converter, generated);
    expect(result.wrong).toEqual([]);
    expect(result.messages).toEqual([]);
    expect(result.notConverted.filter((text) => !NON_ISO.test(JSON.parse(text)))).toEqual([]);
  });

  it.each(['time', 'timetz'])('%s matches the server byte for byte (session zone UTC)', async (type) => {
    const converter = converterFor(type, { timeZone: 'UTC', serverVersion: oracle.version })!;
    const result = await compare(oracle, type, converter, [...TIME_TEXTS, ...timeTexts(800, 22)]);
    expect(result.wrong).toEqual([]);
    expect(result.messages).toEqual([]);
    expect(result.notConverted.filter((text) => !NON_ISO.test(JSON.parse(text)))).toEqual([]);
  });

  it('timetz without an offset in a zone with DST: from the date given, else left to the server', async () => {
    await oracle.setTimeZone('America/New_York');
    try {
      const converter = converterFor('timetz', { timeZone: 'America/New_York' })!;
      const texts = ['2020-01-15 10:00', '2020-07-15 10:00', '2020-03-08 02:30', '10:00+02'];
      const result = await compare(oracle, 'timetz', converter, [...texts, '10:00']);
      expect(result.wrong).toEqual([]);
      expect(result.notConverted).toEqual(['"10:00"']);
    } finally {
      await oracle.setTimeZone('UTC');
    }
  });

  describe.each(ZONES)('timestamptz in session zone %s', (zone) => {
    const sweep = [
      ...transitionSweep(zone.startsWith('<') || zone === 'UTC+3' ? 'UTC' : zone, SWEEP_YEARS),
      ...localRange('1883-11-18T11:59:00', 600, 7),
      ...localRange('1893-03-31T23:50:00', 1200, 13),
    ];

    it(`matches the server byte for byte (${generated.length} texts and ${sweep.length} around transitions)`, async () => {
      await oracle.setTimeZone(zone);
      try {
        const converter = converterFor('timestamptz', { timeZone: zone, serverVersion: oracle.version })!;
        expect(converter).not.toBeNull();
        const result = await compare(oracle, 'timestamptz', converter, [
          ...generated,
          ...datetimeTexts(1500, 23, false),
          ...sweep,
        ]);
        expect(result.wrong).toEqual([]);
        expect(result.messages).toEqual([]);
        expect(result.notConverted.filter((text) => !NON_ISO.test(JSON.parse(text)))).toEqual([]);
      } finally {
        await oracle.setTimeZone('UTC');
      }
    });
  });
});
