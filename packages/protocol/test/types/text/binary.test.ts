import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boolCodec } from '../../../src/types/bool/binary.ts';
import { byteaCodec } from '../../../src/types/bytea/binary.ts';
import { ValueError } from '../../../src/types/shared/codec.ts';
import {
  bpcharCodec,
  citextCodec,
  nameCodec,
  textCodec,
  textLikeCodec,
  varcharCodec,
} from '../../../src/types/text/binary.ts';
import { uuidCodec } from '../../../src/types/uuid/binary.ts';
import { encode, roundTrip } from '../../support/binary-codec.ts';

describe('text-like types', () => {
  it('write UTF-8 and read it back, unicode and emoji included', () => {
    for (const codec of [textCodec, varcharCodec, bpcharCodec, citextCodec, textLikeCodec('mood', 16_384)]) {
      fc.assert(
        fc.property(
          fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
          (s) => {
            expect(roundTrip(codec, s)).toBe(s);
          },
        ),
      );
    }
    expect(Buffer.from(encode(textCodec, 'é😀'))).toEqual(Buffer.from('é😀'));
    expect(roundTrip(textCodec, '')).toBe('');
  });

  it('refuse NUL characters and non-strings', () => {
    expect(() => encode(textCodec, 'a\0b')).toThrow(ValueError);
    expect(() => encode(textCodec, 'a\0b')).toThrow('text cannot contain NUL characters');
    expect(() => encode(varcharCodec, 12)).toThrow('varchar expects a string, not number');
  });

  it('name holds at most 63 bytes', () => {
    expect(roundTrip(nameCodec, 'x'.repeat(63))).toBe('x'.repeat(63));
    expect(() => encode(nameCodec, 'é'.repeat(32))).toThrow('name is 64 bytes long; at most 63 fit');
  });
});

describe('bytea', () => {
  it('sends the bytes as they are and decodes to a copy', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(roundTrip(byteaCodec, bytes)).toEqual(bytes);
      }),
    );
    const source = new Uint8Array([1, 2, 3]);
    const decoded = byteaCodec.decode(source, 0, 3) as Uint8Array;
    source[0] = 9;
    expect(decoded[0]).toBe(1);
    expect(roundTrip(byteaCodec, new Uint8Array([4, 5]).buffer)).toEqual(new Uint8Array([4, 5]));
    expect(roundTrip(byteaCodec, Buffer.from('hi'))).toEqual(new Uint8Array([0x68, 0x69]));
    expect(() => encode(byteaCodec, 'hi')).toThrow('bytea expects a Uint8Array, not string');
  });
});

describe('uuid', () => {
  it('takes canonical and plain hex in any case, gives canonical lowercase', () => {
    const canonical = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    expect(roundTrip(uuidCodec, canonical)).toBe(canonical);
    expect(roundTrip(uuidCodec, canonical.toUpperCase())).toBe(canonical);
    expect(roundTrip(uuidCodec, canonical.replaceAll('-', ''))).toBe(canonical);
    expect(Buffer.from(encode(uuidCodec, canonical)).toString('hex')).toBe(canonical.replaceAll('-', ''));
    fc.assert(fc.property(fc.uuid(), (u) => roundTrip(uuidCodec, u) === u.toLowerCase()));
  });

  it.each([
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g',
    'a0eebc999c0b-4ef8-bb6d-6bb9bd380a11-',
    '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1é',
    '',
  ])('refuses %j', (value) => {
    expect(() => encode(uuidCodec, value)).toThrow('invalid input syntax for uuid');
  });
});

describe('bool', () => {
  it('is one byte, 1 or 0', () => {
    expect([...encode(boolCodec, true)]).toEqual([1]);
    expect([...encode(boolCodec, false)]).toEqual([0]);
    expect(roundTrip(boolCodec, true)).toBe(true);
    expect(roundTrip(boolCodec, 'off')).toBe(false);
    expect(roundTrip(boolCodec, ' YES ')).toBe(true);
    expect(() => encode(boolCodec, 'maybe')).toThrow('invalid input syntax for bool');
    expect(() => encode(boolCodec, 1)).toThrow('bool expects a boolean, not number');
  });
});

describe('the short-string UTF-8 loop', () => {
  it('writes the same bytes as TextEncoder for any string, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 70 }),
          fc.string({ unit: 'grapheme', maxLength: 70 }),
        ),
        (s) => {
          const clean = s.replaceAll('\0', '');
          expect(Buffer.from(encode(textCodec, clean))).toEqual(Buffer.from(encoder.encode(clean)));
        },
      ),
      { numRuns: 2000 },
    );
    for (const s of ['\ud800', 'a\udc00b', '\ud83d\ude00', '\ud83d', 'x'.repeat(64) + '\ud800']) {
      expect(Buffer.from(encode(textCodec, s))).toEqual(Buffer.from(encoder.encode(s)));
    }
  });
});
