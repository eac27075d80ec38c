import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from '../../src/auth/base64.ts';
import { AuthError } from '../../src/errors.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('base64', () => {
  // RFC 4648 §10 test vectors.
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('%j ⇄ %j', (plain, encoded) => {
    expect(base64Encode(utf8(plain))).toBe(encoded);
    expect(base64Decode(encoded)).toEqual(utf8(plain));
  });

  it('round-trips every byte value and length', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let length = 0; length <= all.length; length += 7) {
      const bytes = all.subarray(0, length);
      expect(base64Decode(base64Encode(bytes))).toEqual(bytes);
    }
  });

  it.each(['Zg=', 'Zg', 'Z===', '=Zg=', 'Zm9v!A==', 'Zg==Zg==', 'Zm8=Zm8=', 'Zé=='])(
    'rejects %j with AuthError',
    (bad) => {
      expect(() => base64Decode(bad, 'salt')).toThrow(AuthError);
    },
  );
});
