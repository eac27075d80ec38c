import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayCodec } from '../../../src/types/arrays/binary.ts';
import { int4Codec, int8Codec } from '../../../src/types/integers/binary.ts';
import { ArrayOid, Oid } from '../../../src/types/oids.ts';
import { citextCodec, textCodec } from '../../../src/types/text/binary.ts';
import { encode, roundTrip } from '../../support/binary-codec.ts';

const int4Array = arrayCodec(int4Codec, ArrayOid.int4);
const textArray = arrayCodec(textCodec, ArrayOid.text);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('arrays', () => {
  it('write ndim, flags, element OID, bounds and elements (as array_send does)', () => {
    // COPY (select '{1,NULL}'::int4[]) TO STDOUT (FORMAT binary), PostgreSQL 15.
    expect(hex(encode(int4Array, [1, null]))).toBe(
      '00000001' + '00000001' + '00000017' + '00000002' + '00000001' + '00000004' + '00000001' + 'ffffffff',
    );
    expect(hex(encode(int4Array, []))).toBe('00000000' + '00000000' + '00000017');
    expect(hex(encode(int4Array, [[], []]))).toBe('00000000' + '00000000' + '00000017');
    expect(hex(encode(int4Array, [[7]]))).toBe(
      '00000002' +
        '00000000' +
        '00000017' +
        '0000000100000001' +
        '0000000100000001' +
        '00000004' +
        '00000007',
    );
  });

  it('round-trip nested arrays with NULLs', () => {
    expect(
      roundTrip(int4Array, [
        [1, 2, 3],
        [4, null, 6],
      ]),
    ).toEqual([
      [1, 2, 3],
      [4, null, 6],
    ]);
    expect(
      roundTrip(textArray, [
        ['a', ''],
        [undefined, 'é😀'],
      ]),
    ).toEqual([
      ['a', ''],
      [null, 'é😀'],
    ]);
    expect(roundTrip(textArray, [])).toEqual([]);
    const shape = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }).chain((dims) =>
      nested(
        dims,
        fc.option(
          fc.string().filter((s) => !s.includes('\0')),
          { nil: null },
        ),
      ),
    );
    fc.assert(
      fc.property(shape, (value) => {
        expect(roundTrip(textArray, value)).toEqual(value);
      }),
    );
  });

  it.each([
    [[[1, 2], [3]], 'must be rectangular'],
    [[[1], 2], 'must be rectangular'],
    [[1, [2]], 'must be rectangular'],
    [[[], [1]], 'must be rectangular'],
    [[[[[[[[1]]]]]]], 'more than 6 dimensions'],
    [[1.5], 'int4 expects an integer'],
    ['{1,2}', '_int4 expects an array, not string'],
  ])('refuses case %#', (value, message) => {
    expect(() => encode(int4Array, value)).toThrow(message);
  });

  it('refuses a self-containing array instead of recursing forever', () => {
    const loop: unknown[] = [];
    loop.push(loop);
    expect(() => encode(int4Array, loop)).toThrow('more than 6 dimensions');
  });

  it('checks the element type and the layout when decoding', () => {
    const ints = encode(arrayCodec(int8Codec, ArrayOid.int8), [1n]);
    expect(() => int4Array.decode(ints, 0, ints.length)).toThrow(
      `element type ${Oid.int8}, expected ${Oid.int4}`,
    );
    const bytes = encode(int4Array, [1, 2]);
    expect(() => int4Array.decode(bytes, 0, bytes.length - 1)).toThrow('malformed binary array');
    const extra = new Uint8Array([...bytes, 0]);
    expect(() => int4Array.decode(extra, 0, extra.length)).toThrow('1 bytes after the last element');
  });

  it('needs a real element OID', () => {
    expect(() => arrayCodec(citextCodec, 1)).toThrow("an array of citext needs the element type's OID");
  });
});

/** A rectangular nested array with the given dimensions. */
function nested<T>(dims: number[], leaf: fc.Arbitrary<T>): fc.Arbitrary<unknown[]> {
  const [first, ...rest] = dims;
  const item: fc.Arbitrary<unknown> = rest.length === 0 ? leaf : nested(rest, leaf);
  return fc.array(item, { minLength: first!, maxLength: first! });
}
