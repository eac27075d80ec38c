/**
 * Cutting COPY output at rows: whatever the chunking (one byte at a time included), the framers give
 * back exactly the input's rows, never part of one, and notice output that stops inside a row.
 */
import { BinaryCopyEncoder } from '@haul/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, formatPrefix, formatSuffix } from '../../src/export/formats.ts';
import { JsonLineFramer } from '../../src/export/json-lines.ts';
import { BinaryTupleFramer, CsvRowFramer, type RowFramer } from '../../src/export/row-framing.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Splits `bytes` at `cuts` (positions), feeds the pieces, returns what came out, piece by piece. */
function frame(framer: RowFramer, bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const rows = framer.push(bytes.slice(from, to));
    if (rows) out.push(rows);
    from = to;
  }
  framer.end();
  return out;
}

/** A binary COPY stream as the server sends it, for rows of (int8, text). */
function binaryCopy(rows: readonly [bigint, string | null][]): Uint8Array {
  const encoder = new BinaryCopyEncoder([
    { name: 'id', type: 'int8' },
    { name: 'name', type: 'text' },
  ]);
  for (const row of rows) encoder.writeRow(row);
  const frames = concat([encoder.takeFrames() ?? new Uint8Array(0), encoder.finish()]);
  // Strip the CopyData framing (type byte + length) the encoder adds: COPY OUT payloads have none.
  const payload: Uint8Array[] = [];
  for (let at = 0; at < frames.length; ) {
    const length = new DataView(frames.buffer, frames.byteOffset + at + 1, 4).getInt32(0);
    if (frames[at] === 0x64) payload.push(frames.subarray(at + 5, at + 1 + length));
    at += 1 + length;
  }
  return concat(payload);
}

describe('CsvRowFramer', () => {
  const csv = '1,plain\n2,"quoted, with\nnewline"\n3,"doubled ""quotes""\n"\n4,""\n5,\n';

  it('passes whole rows through untouched and holds back partial ones', () => {
    const framer = new CsvRowFramer();
    const chunk = enc.encode(csv);
    expect(framer.push(chunk)).toBe(chunk);
    const partial = new CsvRowFramer();
    expect(partial.push(enc.encode('1,"a\n'))).toBeNull();
    expect(dec.decode(partial.push(enc.encode('b"\n2,x'))!)).toBe('1,"a\nb"\n');
    expect(() => partial.end()).toThrow('ended inside a row');
  });

  it('gives back exactly the rows, for any chunking', () => {
    const bytes = enc.encode(csv);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const pieces = frame(new CsvRowFramer(), bytes, cuts);
        expect(dec.decode(concat(pieces))).toBe(csv);
        for (const piece of pieces) expect(piece[piece.length - 1]).toBe(0x0a);
      }),
    );
  });

  it('handles one byte at a time', () => {
    const bytes = enc.encode(csv);
    const pieces = frame(new CsvRowFramer(), bytes, [...bytes.keys()]);
    expect(dec.decode(concat(pieces))).toBe(csv);
    expect(pieces.map((p) => dec.decode(p))).toEqual([
      '1,plain\n',
      '2,"quoted, with\nnewline"\n',
      '3,"doubled ""quotes""\n"\n',
      '4,""\n',
      '5,\n',
    ]);
  });
});

describe('BinaryTupleFramer', () => {
  const rows: [bigint, string | null][] = [
    [1n, 'one'],
    [2n, null],
    [2n ** 62n, 'x'.repeat(300)],
    [-1n, ''],
  ];
  const stream = binaryCopy(rows);
  const tuples = stream.subarray(19, stream.length - 2);

  it('strips the header and trailer, for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 10 }), (cuts) => {
        expect(concat(frame(new BinaryTupleFramer(2), stream, cuts))).toEqual(tuples);
      }),
    );
  });

  it('handles one byte at a time, and an empty COPY', () => {
    expect(concat(frame(new BinaryTupleFramer(2), stream, [...stream.keys()]))).toEqual(tuples);
    expect(frame(new BinaryTupleFramer(2), binaryCopy([]), [])).toEqual([]);
  });

  it('notices a stream cut short, bytes after the trailer, and a wrong field count', () => {
    const short = new BinaryTupleFramer(2);
    short.push(stream.subarray(0, stream.length - 2));
    expect(() => short.end()).toThrow('before its trailer');
    expect(() => new BinaryTupleFramer(2).push(concat([stream, new Uint8Array([0])]))).toThrow(
      'after the trailer',
    );
    expect(() => new BinaryTupleFramer(3).push(stream)).toThrow('expected 3');
    expect(() => new BinaryTupleFramer(2).push(enc.encode('not a binary copy at all'))).toThrow('PGCOPY');
  });
});

describe('JsonLineFramer', () => {
  it('turns one-text-field tuples into lines, blanking raw line breaks', () => {
    const encoder = new BinaryCopyEncoder([{ name: 'j', type: 'text' }]);
    for (const json of ['{"a":1}', '{\n"b":\r\n"x\\ny"}', '[]']) encoder.writeRow([json]);
    const frames = concat([encoder.takeFrames() ?? new Uint8Array(0), encoder.finish()]);
    const payload: Uint8Array[] = [];
    for (let at = 0; at < frames.length; ) {
      const length = new DataView(frames.buffer, frames.byteOffset + at + 1, 4).getInt32(0);
      if (frames[at] === 0x64) payload.push(frames.subarray(at + 5, at + 1 + length));
      at += 1 + length;
    }
    const stream = concat(payload);
    for (const cuts of [[], [...stream.keys()], [20, 21, 22]]) {
      const text = dec.decode(concat(frame(new JsonLineFramer(), stream, cuts)));
      expect(text).toBe('{"a":1}\n{ "b":  "x\\ny"}\n[]\n');
      expect(
        text
          .split('\n')
          .slice(0, -1)
          .map((line) => JSON.parse(line)),
      ).toEqual([{ a: 1 }, { b: 'x\ny' }, []]);
    }
  });
});

describe('format framing', () => {
  it('quotes CSV header names as the server quotes values', () => {
    expect(csvField('id')).toBe('id');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('')).toBe('""');
    expect(csvField('\\.')).toBe('"\\."');
    expect(csvField(' padded ')).toBe(' padded ');
    expect(dec.decode(formatPrefix('csv', ['id', 'a,b'], true)!)).toBe('id,"a,b"\n');
    expect(formatPrefix('csv', ['id'], false)).toBeNull();
    expect(formatPrefix('ndjson', ['id'], true)).toBeNull();
  });

  it('gives binary one PGCOPY header and trailer', () => {
    const header = formatPrefix('binary', [], true)!;
    expect(dec.decode(header.subarray(0, 6))).toBe('PGCOPY');
    expect(header).toHaveLength(19);
    expect([...formatSuffix('binary')!]).toEqual([0xff, 0xff]);
    expect(formatSuffix('csv')).toBeNull();
  });
});
