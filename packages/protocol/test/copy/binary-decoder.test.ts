import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryCopyDecoder } from '../../src/copy/binary-decoder.ts';
import { type CopyColumn, encodeRowsToCopyData } from '../../src/copy/binary-encoder.ts';
import { ProtocolError } from '../../src/errors.ts';
import { UnsupportedTypeError } from '../../src/types/shared/codec.ts';

/** The COPY payload bytes of CopyData messages (what a COPY TO stream delivers). */
function payload(chunks: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const chunk of chunks) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let at = 0; at < chunk.length; at += 1 + view.getInt32(at + 1)) {
      parts.push(chunk.subarray(at + 5, at + 1 + view.getInt32(at + 1)));
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const columns: CopyColumn[] = [
  { name: 'id', type: 'int8' },
  { name: 'name', type: 'text' },
  { name: 'score', type: 'float8' },
  { name: 'at', type: 'timestamptz' },
  { name: 'ok', type: 'bool' },
  { name: 'tags', type: 'text[]' },
  { name: 'doc', type: 'jsonb' },
  { name: 'amount', type: 'numeric' },
];

const row = fc.tuple(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !s.includes('\0'))),
  fc.double(),
  fc.option(fc.date({ noInvalidDate: true, min: new Date(-200_000_000_000_000) })),
  fc.boolean(),
  fc.array(fc.option(fc.string().filter((s) => !s.includes('\0'))), { maxLength: 5 }),
  fc.option(fc.dictionary(fc.string(), fc.integer())),
  fc.stringMatching(/^-?[0-9]{1,40}(\.[0-9]{1,20})?$/),
);

/** Feeds `bytes` to a fresh decoder cut at `cuts`; returns all rows, checking the decoder ends done. */
function decodeInPieces(bytes: Uint8Array, cuts: number[]): unknown[][] {
  const decoder = new BinaryCopyDecoder(columns);
  const rows: unknown[][] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
    // A scratch copy that is then wiped: the decoder must not keep views of what it was given.
    const chunk = bytes.slice(from, cut);
    rows.push(...decoder.push(chunk));
    chunk.fill(0xaa);
    from = cut;
  }
  expect(decoder.done).toBe(true);
  decoder.end();
  return rows;
}

describe('BinaryCopyDecoder', () => {
  it('decodes what the encoder wrote, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 20 }).chain((rows) => {
          const bytes = payload(encodeRowsToCopyData(columns, rows));
          return fc.tuple(
            fc.constant(rows),
            fc.constant(bytes),
            fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 30 }),
          );
        }),
        ([rows, bytes, cuts]) => {
          const decoded = decodeInPieces(bytes, cuts);
          expect(decoded).toHaveLength(rows.length);
          decoded.forEach((got, i) => {
            const [id, name, score, at, ok, tags, doc, amount] = rows[i]!;
            expect(got[0]).toBe(id);
            expect(got[1]).toBe(name);
            expect(Object.is(got[2], score)).toBe(true);
            expect(got[3]).toEqual(at);
            expect(got[4]).toBe(ok);
            expect(got[5]).toEqual(tags);
            expect(got[6]).toEqual(doc === null ? null : JSON.parse(JSON.stringify(doc)));
            expect(BigInt((got[7] as string).replace('.', ''))).toBe(BigInt(amount.replace('.', '')));
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes one byte at a time, including a 100 KiB field', () => {
    const rows = [
      [1n, 'x'.repeat(100_000), 1.5, new Date(0), true, ['a', null], { k: 1 }, '1.5'],
      [2n, null, -0, null, false, [], null, '-3'],
    ];
    const bytes = payload(encodeRowsToCopyData(columns, rows));
    const decoder = new BinaryCopyDecoder(columns);
    const decoded: unknown[][] = [];
    for (let i = 0; i < bytes.length; i++) decoded.push(...decoder.push(bytes.subarray(i, i + 1)));
    expect(decoded).toEqual(rows.map((r) => r.map((v) => (v === undefined ? null : v))));
    expect(decoder.done).toBe(true);
    expect(decoder.rowCount).toBe(2);
  });

  it('takes type names or OIDs for columns', () => {
    const bytes = payload(
      encodeRowsToCopyData(
        [
          { name: 'a', type: 'int4' },
          { name: 'b', type: 'uuid' },
        ],
        [[7, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11']],
      ),
    );
    expect(new BinaryCopyDecoder([23, 'uuid']).push(bytes)).toEqual([
      [7, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ]);
    expect(() => new BinaryCopyDecoder(['int4', 'hstore'])).toThrow(UnsupportedTypeError);
    expect(() => new BinaryCopyDecoder(['int4', 'hstore'])).toThrow(
      'column 2: no binary codec for type "hstore"',
    );
  });

  it('skips a header extension, in pieces too', () => {
    const bytes = payload(encodeRowsToCopyData([{ name: 'a', type: 'int4' }], [[5]]));
    const extended = new Uint8Array(bytes.length + 3);
    extended.set(bytes.subarray(0, 15));
    new DataView(extended.buffer).setInt32(15, 3);
    extended.set([9, 9, 9], 19);
    extended.set(bytes.subarray(19), 22);
    for (let cut = 0; cut <= extended.length; cut++) {
      const decoder = new BinaryCopyDecoder(['int4']);
      const rows = [...decoder.push(extended.subarray(0, cut)), ...decoder.push(extended.subarray(cut))];
      expect(rows).toEqual([[5]]);
      expect(decoder.done).toBe(true);
    }
  });

  describe('refuses malformed streams', () => {
    const good = payload(encodeRowsToCopyData([{ name: 'a', type: 'int4' }], [[5]]));
    const patched = (at: number, bytes: number[]) => {
      const copy = good.slice();
      copy.set(bytes, at);
      return copy;
    };

    it.each([
      ['a bad signature', patched(0, [0x51]), 'missing PGCOPY signature'],
      ['rows with OIDs', patched(11, [0, 1, 0, 0]), 'rows with OIDs are not supported'],
      ['unknown critical flags', patched(11, [0x80, 0, 0, 0]), 'unknown critical header flags 0x80000000'],
      ['a negative extension', patched(15, [0xff, 0xff, 0xff, 0xfe]), 'header extension of length -2'],
      ['a wrong field count', patched(19, [0, 2]), 'row 1 has 2 fields, expected 1 (column 1)'],
      ['a negative length', patched(21, [0xff, 0xff, 0xff, 0xfe]), 'row 1, field 1 has length -2'],
      [
        'a field of the wrong size',
        patched(21, [0, 0, 0, 2]),
        'row 1, column "column 1" (int4): int4: expected 4 bytes',
      ],
      ['bytes after the trailer', new Uint8Array([...good, 0]), '1 bytes after the trailer'],
    ])('%s', (_name, bytes, message) => {
      const decoder = new BinaryCopyDecoder(['int4']);
      expect(() => decoder.push(bytes)).toThrow(ProtocolError);
      expect(() => new BinaryCopyDecoder(['int4']).push(bytes)).toThrow(message);
    });

    it('knows when the stream stopped early', () => {
      const decoder = new BinaryCopyDecoder(['int4']);
      expect(decoder.push(good.subarray(0, 25))).toEqual([]);
      expect(decoder.done).toBe(false);
      expect(() => decoder.end()).toThrow(
        'binary COPY data ended before its trailer with 6 bytes of an unfinished row',
      );
      const empty = new BinaryCopyDecoder(['int4']);
      expect(() => empty.end()).toThrow('ended before its trailer');
    });

    it('wraps a field decoder failure with the row and column', () => {
      const bytes = payload(encodeRowsToCopyData([{ name: 'doc', type: 'json' }], [['{"a":1}']]));
      bytes[bytes.length - 3] = 0x7b; // '}' → '{': no longer JSON
      expect(() => new BinaryCopyDecoder([{ name: 'doc', type: 'json' }]).push(bytes)).toThrow(
        /binary COPY: row 1, column "doc" \(json\): .*JSON/,
      );
    });
  });
});
