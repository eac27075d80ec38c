import { describe, expect, it } from 'vitest';
import {
  BinaryCopyEncoder,
  COPY_FRAME_TARGET,
  CopyEncodeError,
  encodeRowsToCopyData,
  preview,
} from '../../src/copy/binary-encoder.ts';
import { HaulError } from '../../src/errors.ts';
import { timestamptzStringCodec } from '../../src/types/datetime/index.ts';
import { TypeRegistry } from '../../src/types/registry.ts';
import { UnsupportedTypeError } from '../../src/types/shared/codec.ts';

/** Splits CopyData messages, checking each one's type and length; returns their payloads. */
function splitFrames(chunks: Uint8Array[]): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  for (const chunk of chunks) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    while (at < chunk.length) {
      expect(chunk[at]).toBe(0x64);
      const length = view.getInt32(at + 1);
      payloads.push(chunk.subarray(at + 5, at + 1 + length));
      at += 1 + length;
    }
    expect(at).toBe(chunk.length);
  }
  return payloads;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const HEADER = '5047434f50590aff0d0a00' + '00000000' + '00000000';

describe('BinaryCopyEncoder', () => {
  it('writes the PGCOPY header, tuples and trailer', () => {
    const chunks = encodeRowsToCopyData(
      [
        { name: 'id', type: 'int4' },
        { name: 'name', type: 'text' },
      ],
      [
        [1, 'a'],
        [2, null],
      ],
    );
    expect(chunks).toHaveLength(1);
    const payload = concat(splitFrames(chunks));
    expect(hex(payload)).toBe(
      HEADER +
        '0002' +
        '00000004' +
        '00000001' +
        '00000001' +
        '61' +
        '0002' +
        '00000004' +
        '00000002' +
        'ffffffff' +
        'ffff',
    );
  });

  it('holds frames back until one is full, then hands over whole CopyData messages', () => {
    const encoder = new BinaryCopyEncoder([{ name: 'note', type: 'text' }]);
    const row = ['x'.repeat(1000)];
    const chunks: Uint8Array[] = [];
    let rows = 0;
    while (chunks.length < 3) {
      encoder.writeRow(row);
      rows++;
      const frames = encoder.takeFrames();
      if (frames !== null) chunks.push(frames);
      else expect(encoder.bufferedBytes).toBeLessThan(COPY_FRAME_TARGET + 5 + 1006);
    }
    chunks.push(encoder.finish());
    expect(encoder.rowCount).toBe(rows);
    const payloads = splitFrames(chunks);
    for (const payload of payloads.slice(0, 3)) {
      expect(payload.length).toBeGreaterThanOrEqual(COPY_FRAME_TARGET);
      expect(payload.length).toBeLessThan(COPY_FRAME_TARGET + 1006);
    }
    const stream = concat(payloads);
    expect(hex(stream.subarray(0, 19))).toBe(HEADER);
    expect(stream.length).toBe(19 + rows * 1006 + 2);
    expect(hex(stream.subarray(stream.length - 2))).toBe('ffff');
  });

  it('takeFrames(true) flushes the open frame; null when nothing is buffered', () => {
    const encoder = new BinaryCopyEncoder([{ name: 'n', type: 'int8' }]);
    encoder.writeRow([1n]);
    expect(encoder.takeFrames()).toBeNull();
    const frames = encoder.takeFrames(true)!;
    expect(hex(concat(splitFrames([frames])))).toBe(HEADER + '0001' + '00000008' + '0000000000000001');
    expect(encoder.takeFrames(true)).toBeNull();
    expect(hex(concat(splitFrames([encoder.finish()])))).toBe('ffff');
  });

  it('rejects a bad value with its row and column, keeping nothing of the row', () => {
    const encoder = new BinaryCopyEncoder([
      { name: 'id', type: 'int4' },
      { name: 'age', type: 'integer' },
    ]);
    encoder.writeRow([1, 2]);
    let error: unknown;
    try {
      encoder.writeRow([3, 99999999999]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CopyEncodeError);
    expect(error).toBeInstanceOf(HaulError);
    const copyError = error as CopyEncodeError;
    expect(copyError.message).toBe(
      'row 2, column "age" (int4): integer out of range for int4 (-2147483648..2147483647) — value: 99999999999',
    );
    expect(copyError.row).toBe(2);
    expect(copyError.column).toBe('age');
    expect(copyError.value).toBe(99999999999);
    encoder.writeRow([4, 5]);
    expect(encoder.rowCount).toBe(2);
    expect(hex(concat(splitFrames([encoder.finish()])))).toBe(
      HEADER +
        '0002' +
        '00000004' +
        '00000001' +
        '00000004' +
        '00000002' +
        '0002' +
        '00000004' +
        '00000004' +
        '00000004' +
        '00000005' +
        'ffff',
    );
  });

  it('truncates long values in messages', () => {
    const encoder = new BinaryCopyEncoder([{ name: 'body', type: 'text' }]);
    expect(() => encoder.writeRow([`${'a'.repeat(500)}\0`])).toThrow(
      `row 1, column "body" (text): text cannot contain NUL characters (\\0); store binary data as bytea (a Uint8Array) — value: "${'a'.repeat(79)}…`,
    );
    expect(preview(12n)).toBe('12n');
    expect(preview(new Uint8Array(3))).toBe('Uint8Array(3)');
    expect(preview({ a: 1n })).toBe('{"a":"1n"}');
    expect(preview(new Date(Number.NaN))).toBe('Invalid Date');
  });

  it('checks the row length', () => {
    const encoder = new BinaryCopyEncoder([
      { name: 'a', type: 'int4' },
      { name: 'b', type: 'int4' },
    ]);
    expect(() => encoder.writeRow([1])).toThrow('row 1: 1 values for 2 columns (a, b)');
  });

  it('refuses a column type it has no codec for, naming the column', () => {
    let error: unknown;
    try {
      new BinaryCopyEncoder([
        { name: 'id', type: 'int4' },
        { name: 'tags', type: 'hstore' },
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnsupportedTypeError);
    expect((error as UnsupportedTypeError).column).toBe('tags');
    expect((error as Error).message).toBe(
      'column "tags": no binary codec for type "hstore"; use text COPY for it, or register a codec for the type',
    );
  });

  it('takes codecs directly and registries with custom types', () => {
    const registry = new TypeRegistry();
    registry.registerTextType('mood', 90_001, { arrayOid: 90_002 });
    const chunks = encodeRowsToCopyData(
      [
        { name: 'm', type: 'mood[]' },
        { name: 't', type: timestamptzStringCodec },
      ],
      [[['ok'], '2000-01-01 00:00:00.000001Z']],
      { registry },
    );
    const stream = concat(splitFrames(chunks));
    expect(stream.length).toBe(19 + 2 + 4 + (12 + 8 + 4 + 2) + 4 + 8 + 2);
  });

  it('is done after finish()', () => {
    const encoder = new BinaryCopyEncoder([{ name: 'a', type: 'int4' }]);
    encoder.finish();
    expect(() => encoder.writeRow([1])).toThrow('writeRow after finish()');
    expect(() => encoder.finish()).toThrow('finish() called twice');
  });
});
