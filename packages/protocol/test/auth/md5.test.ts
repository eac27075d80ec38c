import { describe, expect, it } from 'vitest';
import { md5Hex, md5PasswordMessage } from '../../src/auth/md5.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('md5', () => {
  // RFC 1321 appendix A.5 test suite.
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ])('RFC 1321 vector %j', (input, digest) => {
    expect(md5Hex(utf8(input))).toBe(digest);
  });

  // Lengths around the 56-byte padding boundary and the 64-byte block size (digests from OpenSSL).
  it.each([
    [55, 'ef1772b6dff9a122358552954ad0df65'],
    [56, '3b0c8ac703f828b04c6c197006d17218'],
    [63, 'b06521f39153d618550606be297466d5'],
    [64, '014842d480b571495a4a0363793f7367'],
    [65, 'c743a45e0d2e6a95cb859adae0248435'],
    [119, '8a7bd0732ed6a28ce75f6dabc90e1613'],
    [120, '5f61c0ccad4cac44c75ff505e1f1e537'],
    [1000, 'cabe45dcc9ae5b66ba86600cca6b8ba8'],
  ])('%i bytes of "a"', (length, digest) => {
    expect(md5Hex(new Uint8Array(length).fill(0x61))).toBe(digest);
  });
});

describe('md5PasswordMessage', () => {
  it('hashes password+user, then that hex with the salt bytes', () => {
    expect(md5PasswordMessage('md5_user', 'pencil', new Uint8Array([1, 2, 3, 4]))).toBe(
      'md563d368c29759a1f528e76e8b6d0ba4b2',
    );
  });

  it('encodes non-ASCII user and password as UTF-8', () => {
    expect(md5PasswordMessage('ユーザー', 'pässwörd', new Uint8Array([0xde, 0xad, 0xbe, 0xef]))).toBe(
      'md58ee4eb4489ac8d47fe41b4f3b7437c02',
    );
  });

  it('its inner hash is what PostgreSQL stores for the role', () => {
    // pg_authid.rolpassword for user postgres with password postgres, when stored as MD5.
    expect(md5Hex(utf8('postgrespostgres'))).toBe('3175bce1d3201d16594cebf9d7eb3f9d');
  });
});
