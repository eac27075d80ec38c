/**
 * The inet, cidr, macaddr and macaddr8 converters against the server's input and send functions:
 * a corpus of accepted and refused spellings (masks, classful cidr, IPv4 inside IPv6, every macaddr
 * separator, sscanf's whitespace) and generated addresses, byte for byte on every target.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../../tools/test-targets.ts';
import { converterFor } from '../input/support/convert.ts';
import { compare, ServerOracle } from '../input/support/server-oracle.ts';

const INET_TEXTS = [
  '1.2.3.4',
  '1.2.3.4/32',
  '1.2.3.4/24',
  '1.2.3.4/0',
  '1.2.3.4/33',
  '1.2.3.4/',
  '1.2.3.4/08',
  '10/8',
  '10',
  '10.1/16',
  '10.1/24',
  '10.1.2/24',
  '192.168.1.1/16',
  '1.2.3.4.',
  '1.2.3.4.5',
  '1.2.3.256',
  '01.2.3.4',
  '1.2.3',
  ' 1.2.3.4',
  '1.2.3.4 ',
  '',
  '/24',
  'a.b.c.d',
  '1..2.3',
  '255.255.255.255',
  '0.0.0.0/0',
  '1.2.3.4/000032',
  '1.2.3./24',
  '0x0a',
  '0x0a000000/8',
  '::',
  '::1',
  '::/0',
  '1::',
  '1::2',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '1::2::3',
  ':1::2',
  '1::2:',
  '::ffff:1.2.3.4',
  '::ffff:1.2.3.4/120',
  '::1.2.3.4',
  '::1.2.3',
  '::1.2.3.4.5',
  '::01.2.3.4',
  '::1..2',
  '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4',
  'fe80::1/64',
  'fe80::1/129',
  'fe80::1/128',
  'fe80::1/064',
  'fe80::1/',
  'FE80::ABCD',
  '12345::',
  '2001:db8::/32',
  '2001:db8::1/32',
  'g::1',
  '::1 ',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '::1/0',
  '1.2.3.4/99999999999',
  '1.2.3.4/4294967297',
];

const CIDR_TEXTS = [
  ...INET_TEXTS,
  '10.0.0.0/8',
  '10.0.0.1/8',
  '10.1.0.0/15',
  '10.1.0.0/16',
  '128.1',
  '128',
  '192.168',
  '192',
  '224',
  '224.1',
  '240',
  '250.1.2.3',
  '0',
  '127',
  '0x0a',
  '0x0a0b',
  '0x0A0B0C0D',
  '0x0a0b0c0d0e',
  '0xa',
  '0x',
  '0x0a/8',
  '0x0a/7',
  '10.0/8',
  '1.2.3.4/31',
  '1.2.3.0/24',
  '::/1',
  '8000::/1',
  '8000::1/1',
  '::ffff:0.0.0.0/96',
  '00',
  '010',
  '1.02',
  '192.168.0/24',
  '192.168.0/23',
];

const MACADDR_TEXTS = [
  '0000000008:00:2b:01:02:03',
  '000000008:00:2b:01:02:03',
  '08002b010203:1:2:3:4:5',
  '08:00:2b:01:02:03',
  '08-00-2b-01-02-03',
  '08002b:010203',
  '08002b-010203',
  '0800.2b01.0203',
  '0800-2b01-0203',
  '08002b010203',
  '08:00:2B:01:02:03',
  '8:0:2b:1:2:3',
  '08:00:2b:01:02:03 ',
  ' 08:00:2b:01:02:03',
  '08:00:2b:01:02:03:04',
  '08:00:2b:01:02',
  '08:00:2b:01:02:0g',
  '08:00:2b:01:02:100',
  '08:00:2b:01:02:0100',
  '0800:2b01:0203',
  '08 00 2b 01 02 03',
  '08: 00:2b:01:02:03',
  '08002b 010203',
  '8002b:010203',
  '08:00:2b:01:02:03x',
  '',
  'garbage',
  '+8:0:0:0:0:0',
  '-1:0:0:0:0:0',
  '0x8:0:0:0:0:0',
  '08:00-2b:01:02:03',
  'ffffffff:0:0:0:0:0',
  '123456789:0:0:0:0:0',
  '08002b0102',
  '08002b01020304',
  '0800.2b01.020',
  'ff:ff:ff:ff:ff:ff',
];

const MACADDR8_TEXTS = [
  '08:00:2b:01:02:03:04:05',
  '08-00-2b-01-02-03-04-05',
  '08.00.2b.01.02.03.04.05',
  '0800:2b01:0203:0405',
  '08002b0102030405',
  '08:00:2b:01:02:03',
  '08002b010203',
  ' 08:00:2b:01:02:03',
  '08:00:2b:01:02:03 ',
  '08:00:2b:01:02:03 x',
  '08:00:2b:01:02:03:04:05:06',
  '08:00:2b:01:02:03:0',
  '08:00-2b:01:02:03',
  '08:00:2b:01:02',
  '0g:00:2b:01:02:03',
  '',
  ' ',
  '08:00:2b:01:02:03:04:05 ',
  '08:00:2b:01:02:03:04',
  '8:0:2b:1:2:3',
  'ff:ff:ff:ff:ff:ff:ff:ff',
  '08::00:2b:01:02:03',
  '0800.2b01.0203',
  '08:00:2b:01:02:03:',
  '08:00:2b:01:02:03:04:05:',
];

/** Generated addresses, good and a little broken: random octets, masks, separators, case. */
function generated(seed: number, count: number, v6: boolean): string[] {
  const octet = fc.integer({ min: 0, max: 300 });
  const mask = fc.option(fc.integer({ min: 0, max: 140 }), { nil: undefined });
  const v4 = fc
    .tuple(fc.array(octet, { minLength: 1, maxLength: 5 }), mask)
    .map(([parts, bits]) => parts.join('.') + (bits === undefined ? '' : `/${bits}`));
  const group = fc.integer({ min: 0, max: 0x1ffff }).map((n) => n.toString(16));
  const ipv6 = fc
    .tuple(fc.array(group, { minLength: 1, maxLength: 9 }), fc.integer({ min: -1, max: 8 }), mask)
    .map(([groups, gap, bits]) => {
      const text =
        gap >= 0 && gap <= groups.length
          ? [...groups.slice(0, gap), '', ...groups.slice(gap)].join(':')
          : groups.join(':');
      return (text.startsWith(':') ? `:${text}` : text) + (bits === undefined ? '' : `/${bits}`);
    });
  return fc.sample(v6 ? ipv6 : v4, { seed, numRuns: count });
}

function generatedMacs(seed: number, count: number): string[] {
  const byte = fc.integer({ min: 0, max: 0x1ff }).map((n) => n.toString(16).padStart(2, '0'));
  const separator = fc.constantFrom(':', '-', '.', '', ' ');
  return fc.sample(
    fc
      .tuple(fc.array(byte, { minLength: 5, maxLength: 9 }), separator)
      .map(([bytes, sep]) => bytes.join(sep)),
    { seed, numRuns: count },
  );
}

const CASES = [
  { type: 'inet', values: [...INET_TEXTS, ...generated(1, 300, false), ...generated(2, 300, true)] },
  { type: 'cidr', values: [...CIDR_TEXTS, ...generated(3, 300, false), ...generated(4, 300, true)] },
  { type: 'macaddr', values: [...MACADDR_TEXTS, ...generatedMacs(5, 300)] },
  { type: 'macaddr8', values: [...MACADDR8_TEXTS, ...generatedMacs(6, 300)] },
];

describe.each(databaseTargets())('network converters against $name', ({ url }) => {
  let oracle: ServerOracle;
  beforeAll(async () => {
    oracle = await ServerOracle.open(url);
  });
  afterAll(async () => {
    await oracle?.close();
  });

  it.each(CASES)('$type matches the server byte for byte', async ({ type, values }) => {
    const converter = converterFor(type, { timeZone: 'UTC', serverVersion: oracle.version })!;
    const result = await compare(oracle, type, converter, values);
    expect(result.wrong).toEqual([]);
    expect(result.messages).toEqual([]);
    // Only sscanf's signs, 0x prefixes and long numbers (macaddr) are left to the server.
    expect(result.notConverted.filter((text) => !/[+x-]|[0-9a-f]{9}/i.test(text))).toEqual([]);
  });
});
