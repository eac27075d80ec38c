/** Texts for the date/time converters: edge cases, generated values, and sweeps over DST transitions. */
import fc from 'fast-check';

export const DATETIME_TEXTS = [
  '2020-01-01',
  ' 2020-01-01 ',
  '\t2020-01-01\n',
  '2020-1-5',
  '999-01-01',
  '0999-01-01',
  '10000-01-01',
  '20-01-01',
  '2020-01-01 10:00',
  '2020-01-01   10:00',
  '2020-01-01 10:00:00',
  '2020-01-01T10:00:00',
  '2020-01-01t10:00:00',
  '2020-01-01 T10:00',
  '2020-01-01 T 10:00',
  '2020-01-01T',
  '2020-01-01 t',
  '2020-01-01 tue',
  '2020-01-01 10:00:00.5',
  '2020-01-01 10:00:00.123456',
  '2020-01-01 10:00:00.1234565',
  '2020-01-01 10:00:00.1234575',
  '2020-01-01 10:00:00.9999995',
  '2020-01-01 10:00:00.99999949999',
  '2020-01-01 10:00:00.',
  '2020-01-01 10:00:00.000000000000000000001',
  '2020-01-01 10:00:00.0000005',
  '2020-01-01 10:00:00.0000015',
  '2020-01-01 10:00:00.00000050000000001',
  '2020-01-01 23:59:60',
  '2020-01-01 23:59:60.5',
  '2020-12-31 24:00',
  '2020-01-01 24:00:01',
  '2020-01-01 25:00',
  '2020-01-01 7:5:3',
  '2020-01-01 010:00',
  '2020-01-01 10:60',
  '2020-01-01 10:00:61',
  '2020-01-01 10',
  '2020-01-01 10:00:00:00',
  '2020-01-01 10:30.5',
  '2020-01-01 10:00Z',
  '2020-01-01 10:00:00 Z',
  '2020-01-01 10:00:00z',
  '2020-01-01 10:00 UTC',
  '2020-01-01 10:00 utc',
  '2020-01-01 10:00 GMT',
  '2020-01-01 10:00 gmt+1',
  '2020-01-01 10:00 zulu',
  '2020-01-01 10:00+05',
  '2020-01-01 10:00 +05',
  '2020-01-01 10:00-05',
  '2020-01-01 10:00 -05',
  '2020-01-01 10:00+5',
  '2020-01-01 10:00+0530',
  '2020-01-01 10:00+530',
  '2020-01-01 10:00+05:30',
  '2020-01-01 10:00+05:30:15',
  '2020-01-01 10:00+5:3',
  '2020-01-01 10:00+15:59:59',
  '2020-01-01 10:00+16',
  '2020-01-01 10:00-16',
  '2020-01-01 10:00+05:60',
  '2020-01-01 10:00+1234',
  '2020-01-01 10:00+12345',
  '2020-01-01 10:00+05.5',
  '2020-01-01 10:00+05 +06',
  '2020-01-01+05',
  '2020-01-01 +05',
  '2020-01-01-05',
  '2020-01-01 -05',
  '2020-01-01Z',
  '2020-01-01 10:00:00 +05 BC',
  '2020-01-01 BC',
  '2020-01-01 bc',
  '2020-01-01 AD',
  '2020-01-01 BC 10:00',
  '0001-01-01 BC',
  '4714-11-24 BC',
  '4714-11-23 BC',
  '4714-11-24 00:00:00 BC',
  '4714-11-23 23:59:59 BC',
  '4713-01-01 BC',
  '4715-01-01 BC',
  '0000-01-01',
  '0000-01-01 BC',
  '2020-02-29',
  '2019-02-29',
  '1900-02-29',
  '2000-02-29',
  '2020-02-30',
  '2020-13-01',
  '2020-00-01',
  '2020-01-00',
  '2020-01-32',
  '2020-04-31',
  '5874897-12-31',
  '5874898-01-01',
  '294276-12-31 23:59:59.999999',
  '294276-12-31 23:59:59.9999995',
  '294277-01-01',
  '294276-12-31 23:59:59-01',
  '294276-12-31 23:59:59+01',
  '4714-11-24 00:30:00+01 BC',
  '4714-11-24 00:30:00-01 BC',
  'infinity',
  'Infinity',
  '-infinity',
  ' -INFINITY ',
  '+infinity',
  'epoch',
  'EPOCH',
  ' epoch ',
  'now',
  'today',
  'tomorrow',
  'yesterday',
  'allballs',
  'abc',
  '',
  '  ',
  'Jan 5 2020',
  '2020/01/05',
  '01/05/2020',
  '20200105',
  '2020-01-05 10:00:00 America/New_York',
  '2020-01-05 10:00:00 EST',
  '2020.01.05',
  '2020-01-05,10:00',
  '2020-01-05 10:00 am',
  '2020-01-05 10:00 pm',
  'é2020-01-01',
  '2020-01-01\x01',
  '-2020-01-01',
  '+2020-01-01',
  '2020-001-01',
  '2020-01-001',
  '99999999999-01-01',
  '2147483648-01-01',
  '1-01-01',
  'J2451545',
  '2020-01-05 10:00:00.5 +05:30 AD',
  '1883-11-18 12:03:57',
  '1883-11-18 12:03:58',
  '1970-01-01 00:00:00',
  '1969-12-31 23:59:59.999999',
  '1500-06-15 12:00',
  '2262-04-11 23:47:16.854775807',
  '1677-09-21 00:12:43.145224192',
];

export const TIME_TEXTS = [
  '00:00',
  '10:00',
  '10:00:00',
  '10:00:00.5',
  '7:5:3',
  '24:00',
  '24:00:00',
  '24:00:00.1',
  '23:59:60',
  '23:59:60.5',
  '23:59:59.9999999',
  '23:59:59.9999994',
  '25:00',
  '10:60',
  '10:00:60',
  '10:00:61',
  ' 10:00 ',
  '10',
  '10:',
  '10:00:',
  '10:30.5',
  '10:00+05',
  '10:00 +05:30',
  '10:00-16',
  '10:00+15:59',
  '10:00Z',
  '10:00 UTC',
  '2020-01-01 10:00',
  '2020-06-01 10:00',
  '2020-01-01 10:00:00+05',
  '2020-01-01T10:00-03:30',
  '2020-01-01',
  'allballs',
  'now',
  '',
  'abc',
  '10:00 BC',
  '10:00:00 America/New_York',
  '10:00 am',
  '12:00 pm',
  '10:00:00.123456789',
  '010:00',
];

const SEPARATORS = [' ', 'T', 't', '  '];
const ZONES = [
  '',
  'Z',
  ' UTC',
  '+05',
  '-08',
  '+0530',
  '+05:30',
  ' -03:30',
  '+14',
  '-15:59:59',
  '+16',
  '+1:2',
];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Dates and timestamps of many shapes, most of them valid. */
export function datetimeTexts(count: number, seed: number, withZones: boolean): string[] {
  const year = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 1, max: 9999 }) },
    { weight: 1, arbitrary: fc.integer({ min: 10000, max: 300000 }) },
  );
  const date = fc
    .tuple(year, fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.boolean(), fc.boolean())
    .map(
      ([y, m, d, padded, bc]) =>
        `${pad(y, padded ? 4 : 1)}-${pad(m, padded ? 2 : 1)}-${pad(d, padded ? 2 : 1)}${bc ? '\u0000' : ''}`,
    );
  const time = fc
    .tuple(
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.option(fc.integer({ min: 0, max: 60 })),
      fc.option(fc.stringMatching(/^[0-9]{0,12}$/)),
    )
    .map(
      ([h, m, s, f]) =>
        `${pad(h, 2)}:${pad(m, 2)}${s === null ? '' : `:${pad(s, 2)}${f === null ? '' : `.${f}`}`}`,
    );
  const text = fc
    .tuple(
      date,
      fc.option(fc.tuple(fc.constantFrom(...SEPARATORS), time)),
      fc.constantFrom(...(withZones ? ZONES : [''])),
    )
    .map(([d, t, zone]) => {
      const bc = d.endsWith('\u0000');
      const day = bc ? d.slice(0, -1) : d;
      return `${day}${t === null ? '' : t[0] + t[1]}${t === null ? '' : zone}${bc ? ' BC' : ''}`;
    });
  return fc.sample(text, { numRuns: count, seed });
}

/** Times of day, with and without zones, fractions and a date before them. */
export function timeTexts(count: number, seed: number): string[] {
  const text = fc
    .tuple(
      fc.option(fc.constantFrom('2020-01-15 ', '2020-07-15T', '1999-12-31 ')),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 61 }),
      fc.stringMatching(/^[0-9]{0,10}$/),
      fc.constantFrom(...ZONES),
    )
    .map(
      ([date, h, m, s, f, zone]) =>
        `${date ?? ''}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${f ? `.${f}` : ''}${zone}`,
    );
  return fc.sample(text, { numRuns: count, seed });
}

/** Local wall-clock texts across every offset change of `zone` in `years` (found with Intl). */
export function transitionSweep(zone: string, years: readonly number[]): string[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const offsetAt = (ms: number) => format.format(new Date(ms)).split(', ')[1];
  const texts: string[] = [];
  for (const year of years) {
    for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
      if (offsetAt(day) === offsetAt(day + 86_400_000)) continue;
      // Local times from the day before to the day after, every 10 minutes, and every second
      // around each half hour of the day itself (changes happen on those).
      for (let t = day - 86_400_000; t < day + 2 * 86_400_000; t += 600_000) texts.push(localText(t));
      for (let mark = day; mark < day + 86_400_000; mark += 1_800_000) {
        for (let second = -3; second <= 3; second++) texts.push(localText(mark + second * 1000));
      }
    }
  }
  return texts;
}

function localText(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

/** Local times every `step` seconds between two local times (for odd historic offsets). */
export function localRange(from: string, seconds: number, step: number): string[] {
  const start = Date.parse(`${from}Z`);
  const texts: string[] = [];
  for (let s = 0; s <= seconds; s += step) texts.push(localText(start + s * 1000));
  return texts;
}
