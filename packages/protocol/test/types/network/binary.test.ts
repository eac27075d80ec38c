import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrCodec, inetCodec } from '../../../src/types/network/binary.ts';
import { encode, roundTrip } from '../../support/binary-codec.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('inet and cidr', () => {
  it('write family, bits, is_cidr, length and address', () => {
    expect(hex(encode(inetCodec, '192.168.0.1/24'))).toBe('02180004c0a80001');
    expect(hex(encode(cidrCodec, '10.0.0.0/8'))).toBe('020801040a000000');
    expect(hex(encode(inetCodec, '::1'))).toBe(
      '038000100000000000000000000000000000000001'.slice(0, 8) + '00000000000000000000000000000001',
    );
  });

  // Outputs observed from PostgreSQL 15 for the same input.
  it.each([
    [inetCodec, '192.168.0.1', '192.168.0.1'],
    [inetCodec, '10.1.2.3/8', '10.1.2.3/8'],
    [cidrCodec, '0.0.0.0/0', '0.0.0.0/0'],
    [cidrCodec, '10.0.0.0/8', '10.0.0.0/8'],
    [cidrCodec, '1.2.3.4', '1.2.3.4/32'],
    [inetCodec, '::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    [inetCodec, '::1.2.3.4', '::1.2.3.4'],
    [inetCodec, '1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    [inetCodec, '1:0:0:1:0:0:1:1', '1::1:0:0:1:1'],
    [inetCodec, '0:0:0:0:0:0:0:1', '::1'],
    [inetCodec, '::', '::'],
    [inetCodec, '::0.0.0.1', '::1'],
    [inetCodec, '::2', '::2'],
    [inetCodec, '::1:2', '::0.1.0.2'],
    [inetCodec, '::ffff:0.0.0.1', '::ffff:0.0.0.1'],
    [inetCodec, '0:0:0:0:0:1:0:0', '::1:0:0'],
    [inetCodec, '::1:0:0:0', '::1:0:0:0'],
    [inetCodec, '::fffe:1.2.3.4', '::fffe:102:304'],
    [inetCodec, '1::', '1::'],
    [inetCodec, '0:0:1::', '0:0:1::'],
    [inetCodec, '1:2:3:4:5:6:7:8/64', '1:2:3:4:5:6:7:8/64'],
    [inetCodec, 'ABCD:EF01::', 'abcd:ef01::'],
    [inetCodec, '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    [cidrCodec, '::ffff:0:0/96', '::ffff:0.0.0.0/96'],
    [cidrCodec, '1:0::', '1::/128'],
    [inetCodec, '::ffff:1.2.3.4/120', '::ffff:1.2.3.4/120'],
  ])('%o %s → %s', (codec, input, output) => {
    expect(roundTrip(codec, input)).toBe(output);
  });

  it.each([
    [inetCodec, '256.1.1.1'],
    [inetCodec, '1.2.3'],
    [inetCodec, '1.2.3.4/33'],
    [inetCodec, '1.2.3.4/'],
    [inetCodec, '::/129'],
    [inetCodec, '1::2::3'],
    [inetCodec, '1:2:3:4:5:6:7'],
    [inetCodec, '1:2:3:4:5:6:7:8:9'],
    [inetCodec, '1:2:3:4::5:6:7:8'],
    [inetCodec, '12345::'],
    [inetCodec, '::1.2.3.4:5'],
    [inetCodec, 'localhost'],
    [cidrCodec, '10.1.2.3/8'],
    [cidrCodec, '::1/64'],
  ])('%o refuses %s', (codec, input) => {
    expect(() => encode(codec, input)).toThrow(/invalid input syntax for (inet|cidr)/);
  });

  it('round-trips any IPv4 address and mask', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, bits) => {
        expect(roundTrip(inetCodec, `${address}/${bits}`)).toBe(bits === 32 ? address : `${address}/${bits}`);
      }),
    );
  });

  it('round-trips any IPv6 address to the same bytes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const bytes = encode(inetCodec, address);
        const printed = inetCodec.decode(bytes, 0, bytes.length) as string;
        expect(hex(encode(inetCodec, printed))).toBe(hex(bytes));
      }),
    );
  });
});
