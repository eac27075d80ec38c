/**
 * The binary codecs' string input against the server: JS strings go through the FromText parser
 * (datetime/binary.ts), so for the same text the codec must store what the server's input function
 * stores (session TimeZone UTC), or both refuse. The codec's own differences are allowed and only
 * those: a timestamptz string without a zone is refused (the session zone is not known to it), forms
 * the parser leaves to the server are refused as not converted, and '+infinity' is infinity on every
 * version. The extra cases are where the codec's old string parser and the server disagreed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../../tools/test-targets.ts';
import { dateCodec, timeCodec, timestampCodec, timestamptzCodec } from '../../../src/types/datetime/index.ts';
import { encodeOutcome } from '../../support/binary-codec.ts';
import { isNotConverted } from '../input/support/convert.ts';
import { ServerOracle } from '../input/support/server-oracle.ts';
import { DATETIME_TEXTS, datetimeTexts, TIME_TEXTS, timeTexts } from './support/datetime-corpus.ts';

/** Where the codec's own string parser disagreed with the server. */
const DRIFT_TEXTS = [
  'epoch',
  ' epoch ',
  ' 2024-01-15',
  '2024-01-15 ',
  '\u00a02024-01-15',
  '100-01-01',
  '2024-1-5',
  '2024-01-15 1:02:03Z',
  '2024-01-15T10:00:00+053000',
  '2024-01-15T10:00:00+0530',
  '2024-01-15T10:00:00+05:30:15',
  '2024-01-15 10:00:00 +05',
  '2024-01-15 10:00 UTC',
  '2024-01-15 10:00 gmt',
  '2024-01-15T10:00:00z',
  '2024-01-15 10:00:00.0000005Z',
  '2024-01-15 10:00:00.0000015Z',
  '2024-01-15 23:59:60Z',
  '2024-01-15T24:00:00Z',
  '2000-01-01 00:00:00+15:59:59',
  '2000-01-01 00:00:00+16',
  '2024-01-15 BC',
  '2024-01-15 AD',
  '0000-01-01',
  '4714-11-24 00:00:00+00 BC',
  '4714-11-23 23:59:59+00 BC',
  '294276-12-31 23:59:59.999999+00',
  '294277-01-01 00:00:00+00',
  '5874897-12-31',
  '5874898-01-01',
  'infinity',
  ' Infinity ',
  '-INFINITY',
  '2024-01-15 10:00:00',
  '00:00:00.0000005',
  '00:00:00.0000015',
  '23:59:59.9999995',
  '\u00a012:00',
  '12:00:00+05',
  '12:00 UTC',
  '2024-01-01 12:00',
  '2024-01-01T12:00',
  '24:00',
  '24:00:00.0000004',
  '1:2:3',
  '12:60',
];

/** Forms the parser leaves to the server (see oracle.test.ts) and ISO 8601 expanded years (the codec's own). */
const NON_ISO =
  /:$|\d BC$|jan|tue|zulu|now|today|tomorrow|yesterday|allballs|america|\best\b|gmt\+|\/|\.\d\d\.|\b(am|pm)\b|,|20200105|^\s*[+-]\d|T$|J2451545|10:30\.5|BC 10|-0\d\d\b|\d\d:\d\d:\d\d:|^\s*\d{1,2}-|^20-/i;

const CODECS = [
  { type: 'date', codec: dateCodec },
  { type: 'timestamp', codec: timestampCodec },
  { type: 'timestamptz', codec: timestamptzCodec },
  { type: 'time', codec: timeCodec },
];

describe.each(databaseTargets())('date/time codecs on JS strings against $name', ({ url }) => {
  let oracle: ServerOracle;
  beforeAll(async () => {
    oracle = await ServerOracle.open(url);
    await oracle.setTimeZone('UTC');
  });
  afterAll(async () => {
    await oracle?.close();
  });

  const stamps = [...DRIFT_TEXTS, ...DATETIME_TEXTS, ...datetimeTexts(800, 31, true)];
  const times = [...DRIFT_TEXTS, ...TIME_TEXTS, ...timeTexts(400, 32)];

  it.each(CODECS)('$type stores what the server stores, or both refuse', async ({ type, codec }) => {
    const texts = type === 'time' ? times : stamps;
    const server = await oracle.outcomes(type, texts);
    const wrong: string[] = [];
    texts.forEach((text, index) => {
      const expected = server[index]!;
      const actual = encodeOutcome(codec, text);
      const shown = JSON.stringify(text);
      if (expected.ok && actual.ok) {
        if (expected.hex !== actual.hex) wrong.push(`${shown}: server ${expected.hex}, codec ${actual.hex}`);
      } else if (expected.ok && !actual.ok) {
        const allowed =
          (isNotConverted(actual) && NON_ISO.test(text)) ||
          (type === 'timestamptz' && actual.message.includes('needs a zone'));
        if (!allowed) wrong.push(`${shown}: server ${expected.hex}, codec refuses (${actual.message})`);
      } else if (!expected.ok && actual.ok) {
        const plusInfinity = /^\s*\+infinity\s*$/i.test(text) && oracle.version < 170_000;
        // ISO 8601 expanded years ('+2020-01-01' is 2020 AD) the server reads as a zone.
        const expandedYear = /^[+-]\d{4,}-/.test(text);
        if (!plusInfinity && !expandedYear)
          wrong.push(`${shown}: server refuses (${expected.message}), codec ${actual.hex}`);
      }
    });
    expect(wrong).toEqual([]);
  });
});
