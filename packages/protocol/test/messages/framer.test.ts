import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.ts';
import { type BackendMessage, decodeBackend, Tag } from '../../src/messages/backend.ts';
import { Framer } from '../../src/messages/framer.ts';

/** Builds a backend message the way the docs describe it: type, Int32 length (self-inclusive), body. */
function msg(type: string, ...parts: (number[] | string | Uint8Array)[]): Uint8Array {
  const body: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') body.push(...new TextEncoder().encode(p), 0);
    else body.push(...p);
  }
  const len = body.length + 4;
  return Uint8Array.from([
    type.charCodeAt(0),
    len >>> 24,
    (len >>> 16) & 255,
    (len >>> 8) & 255,
    len & 255,
    ...body,
  ]);
}
const i32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const i16 = (v: number) => [(v >>> 8) & 255, v & 255];

/** One sample of every backend message type. */
const SAMPLES: Uint8Array[] = [
  msg('R', i32(0)),
  msg('R', i32(3)),
  msg('R', i32(5), [1, 2, 3, 4]),
  msg('R', i32(10), 'SCRAM-SHA-256', [0]),
  msg('R', i32(11), [...new TextEncoder().encode('r=abc,s=xyz,i=4096')]),
  msg('R', i32(12), [...new TextEncoder().encode('v=sig')]),
  msg('K', i32(1234), i32(-5678)),
  msg('2'),
  msg('3'),
  msg('C', 'INSERT 0 5'),
  msg('d', [9, 8, 7]),
  msg('c'),
  msg('G', [1], i16(2), i16(1), i16(1)),
  msg('H', [0], i16(1), i16(0)),
  msg('W', [0], i16(0)),
  msg('D', i16(2), i32(1), [0x31], i32(-1)),
  msg('I'),
  msg('E', [0x53], 'ERROR', [0x43], '42P01', [0x4d], 'relation "x" does not exist', [0x50], '15', [0]),
  msg('V', i32(2), [1, 2]),
  msg('v', i32(0), i32(1), '_pq_.x'),
  msg('n'),
  msg('N', [0x53], 'NOTICE', [0x43], '00000', [0x4d], 'hello', [0]),
  msg('A', i32(42), 'chan', 'payload'),
  msg('t', i16(2), i32(23), i32(25)),
  msg('S', 'TimeZone', 'UTC'),
  msg('1'),
  msg('s'),
  msg('Z', [0x49]),
  msg('T', i16(1), 'n', i32(0), i16(0), i32(23), i16(4), i32(-1), i16(0)),
];

function frames(framer: Framer, chunks: Uint8Array[]): { type: number; body: number[] }[] {
  const out: { type: number; body: number[] }[] = [];
  for (const chunk of chunks) {
    framer.push(chunk);
    for (let t = framer.next(); t !== -1; t = framer.next()) out.push({ type: t, body: [...framer.body] });
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('Framer', () => {
  const stream = concat(SAMPLES);
  const expected = frames(new Framer(), [stream]);

  it('frames every sample message from one chunk', () => {
    expect(expected.length).toBe(SAMPLES.length);
  });

  it('locates whole messages inside the pushed chunk itself: no copy and no view per message', () => {
    const framer = new Framer();
    framer.push(stream);
    let at = 0;
    for (const sample of SAMPLES) {
      expect(framer.next()).toBe(sample[0]);
      expect(framer.bytes).toBe(stream);
      expect([framer.start, framer.end]).toEqual([at + 5, at + sample.length]);
      at += sample.length;
    }
    expect(framer.next()).toBe(-1);
  });

  it('gives the same frames when split at every single point', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(frames(new Framer(), [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
  });

  it('gives the same frames one byte at a time', () => {
    const bytes = [...stream].map((b) => Uint8Array.of(b));
    expect(frames(new Framer(), bytes)).toEqual(expected);
  });

  it('gives the same frames under random chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set([0, ...cuts, stream.length])].sort((a, b) => a - b);
        const chunks = points.slice(1).map((p, i) => stream.subarray(points[i], p));
        expect(frames(new Framer(), chunks)).toEqual(expected);
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });

  it('rejects a length beyond the limit before allocating', () => {
    const framer = new Framer(1024);
    framer.push(Uint8Array.from([0x44, 0x7f, 0xff, 0xff, 0xff]));
    expect(() => framer.next()).toThrow(ProtocolError);
  });

  it('rejects bytes that are not the protocol (an HTTP answer)', () => {
    const framer = new Framer();
    framer.push(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n'));
    expect(() => framer.next()).toThrow(/not speaking the PostgreSQL protocol/);
  });

  it('rejects a length below 4', () => {
    const framer = new Framer();
    framer.push(Uint8Array.from([0x5a, 0, 0, 0, 3]));
    expect(() => framer.next()).toThrow(ProtocolError);
  });
});

describe('decodeBackend', () => {
  const decoded: BackendMessage[] = SAMPLES.map((m) => decodeBackend(m[0]!, m.subarray(5)));

  it('decodes every protocol 3.0 backend message type', () => {
    expect(decoded.map((m) => m.type)).toEqual([
      'AuthenticationOk',
      'AuthenticationCleartextPassword',
      'AuthenticationMD5Password',
      'AuthenticationSASL',
      'AuthenticationSASLContinue',
      'AuthenticationSASLFinal',
      'BackendKeyData',
      'BindComplete',
      'CloseComplete',
      'CommandComplete',
      'CopyData',
      'CopyDone',
      'CopyInResponse',
      'CopyOutResponse',
      'CopyBothResponse',
      'DataRow',
      'EmptyQueryResponse',
      'ErrorResponse',
      'FunctionCallResponse',
      'NegotiateProtocolVersion',
      'NoData',
      'NoticeResponse',
      'NotificationResponse',
      'ParameterDescription',
      'ParameterStatus',
      'ParseComplete',
      'PortalSuspended',
      'ReadyForQuery',
      'RowDescription',
    ]);
  });

  it('decodes fields', () => {
    expect(decoded[2]).toEqual({ type: 'AuthenticationMD5Password', salt: Uint8Array.of(1, 2, 3, 4) });
    expect(decoded[3]).toEqual({ type: 'AuthenticationSASL', mechanisms: ['SCRAM-SHA-256'] });
    expect(decoded[6]).toEqual({ type: 'BackendKeyData', processId: 1234, secretKey: -5678 });
    expect(decoded[12]).toEqual({ type: 'CopyInResponse', format: 1, columnFormats: [1, 1] });
    expect(decoded[17]).toMatchObject({
      type: 'ErrorResponse',
      fields: { severity: 'ERROR', code: '42P01', message: 'relation "x" does not exist', position: 15 },
    });
    expect(decoded[19]).toEqual({
      type: 'NegotiateProtocolVersion',
      newestMinor: 0,
      unrecognized: ['_pq_.x'],
    });
    expect(decoded[22]).toEqual({
      type: 'NotificationResponse',
      processId: 42,
      channel: 'chan',
      payload: 'payload',
    });
    expect(decoded[23]).toEqual({ type: 'ParameterDescription', typeOids: [23, 25] });
    expect(decoded[27]).toEqual({ type: 'ReadyForQuery', status: 'I' });
    expect(decoded[28]).toEqual({
      type: 'RowDescription',
      fields: [
        { name: 'n', tableOid: 0, columnAttr: 0, typeOid: 23, typeSize: 4, typeModifier: -1, format: 0 },
      ],
    });
  });

  it('turns truncated bodies and unknown types into ProtocolError', () => {
    expect(() => decodeBackend(Tag.BackendKeyData, Uint8Array.of(0, 0))).toThrow(ProtocolError);
    expect(() => decodeBackend(Tag.ReadyForQuery, Uint8Array.of(0x58))).toThrow(ProtocolError);
    expect(() => decodeBackend(0x21, new Uint8Array(0))).toThrow(/unknown backend message type/);
  });
});
