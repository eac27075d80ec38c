import { describe, expect, it } from 'vitest';
import * as fe from '../../src/messages/frontend.ts';
import { Writer } from '../../src/wire/writer.ts';

/** Doc-following builder: type byte, then Int32 length counting itself, then the body bytes. */
function expected(type: string | null, body: number[]): number[] {
  const len = body.length + 4;
  const head = [(len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255];
  return type === null ? [...head, ...body] : [type.charCodeAt(0), ...head, ...body];
}
const cstr = (s: string) => [...new TextEncoder().encode(s), 0];
const i32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const i16 = (v: number) => [(v >>> 8) & 255, v & 255];

function bytes(encode: (w: Writer) => void): number[] {
  const w = new Writer(4);
  encode(w);
  return [...w.take()];
}

describe('frontend encoders are byte-exact', () => {
  it('StartupMessage', () => {
    expect(bytes((w) => fe.startup(w, { user: 'u', database: 'd' }))).toEqual(
      expected(null, [...i32(196608), ...cstr('user'), ...cstr('u'), ...cstr('database'), ...cstr('d'), 0]),
    );
  });
  it('SSLRequest and CancelRequest', () => {
    expect(bytes((w) => fe.sslRequest(w))).toEqual([...i32(8), ...i32(80877103)]);
    expect(bytes((w) => fe.cancelRequest(w, 7, -2))).toEqual([
      ...i32(16),
      ...i32(80877102),
      ...i32(7),
      ...i32(-2),
    ]);
  });
  it('Query, Parse, Bind, Describe, Execute, Close', () => {
    expect(bytes((w) => fe.query(w, 'select 1'))).toEqual(expected('Q', cstr('select 1')));
    expect(bytes((w) => fe.parse(w, 's1', 'select $1', [23]))).toEqual(
      expected('P', [...cstr('s1'), ...cstr('select $1'), ...i16(1), ...i32(23)]),
    );
    expect(bytes((w) => fe.bindText(w, '', 's1', ['42', null, 'é']))).toEqual(
      expected('B', [
        ...cstr(''),
        ...cstr('s1'),
        ...i16(0),
        ...i16(3),
        ...i32(2),
        0x34,
        0x32,
        ...i32(-1),
        ...i32(2),
        0xc3,
        0xa9,
        ...i16(0),
      ]),
    );
    expect(bytes((w) => fe.describe(w, 'P', ''))).toEqual(expected('D', [0x50, 0]));
    expect(bytes((w) => fe.execute(w, '', 0))).toEqual(expected('E', [0, ...i32(0)]));
    expect(bytes((w) => fe.close(w, 'S', 'x'))).toEqual(expected('C', [0x53, ...cstr('x')]));
  });
  it('password and SASL messages', () => {
    expect(bytes((w) => fe.password(w, 'pw'))).toEqual(expected('p', cstr('pw')));
    const data = [...new TextEncoder().encode('n,,n=*,r=abc')];
    expect(bytes((w) => fe.saslInitialResponse(w, 'SCRAM-SHA-256', 'n,,n=*,r=abc'))).toEqual(
      expected('p', [...cstr('SCRAM-SHA-256'), ...i32(data.length), ...data]),
    );
    expect(bytes((w) => fe.saslResponse(w, 'c=biws'))).toEqual(
      expected('p', [...new TextEncoder().encode('c=biws')]),
    );
  });
  it('COPY messages and fixed messages', () => {
    expect(bytes((w) => fe.copyData(w, Uint8Array.of(1, 2)))).toEqual(expected('d', [1, 2]));
    expect(bytes((w) => fe.copyFail(w, 'bad'))).toEqual(expected('f', cstr('bad')));
    expect([...fe.SYNC]).toEqual(expected('S', []));
    expect([...fe.FLUSH]).toEqual(expected('H', []));
    expect([...fe.TERMINATE]).toEqual(expected('X', []));
    expect([...fe.COPY_DONE]).toEqual(expected('c', []));
  });
  it('refuses a NUL inside query text instead of truncating it', () => {
    expect(() => bytes((w) => fe.query(w, 'select 1\0; drop table x'))).toThrow(/NUL/);
  });
});
