/**
 * MD5 (RFC 1321) and the AuthenticationMD5Password response. WebCrypto has no MD5, so it is written
 * out here; it hashes a password and a 4-byte salt once per connection, so speed is not a concern.
 */

const encoder = new TextEncoder();

/** Per-round left-rotation amounts, RFC 1321 §3.4. */
const SHIFTS = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];

/** T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 §3.4; computed rather than transcribed. */
const SINE_TABLE = Uint32Array.from({ length: 64 }, (_, i) =>
  Math.floor(2 ** 32 * Math.abs(Math.sin(i + 1))),
);

/** Returns the 16-byte MD5 digest of `data`. */
export function md5(data: Uint8Array): Uint8Array {
  // Padding: a 1 bit, zeros up to 56 mod 64 bytes, then the bit length as 64-bit little-endian.
  const paddedLength = (((data.length + 8) >> 6) + 1) << 6;
  const padded = new Uint8Array(paddedLength);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = data.length * 8;
  view.setUint32(paddedLength - 8, bitLength >>> 0, true);
  view.setUint32(paddedLength - 4, Math.floor(bitLength / 2 ** 32), true);

  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  const words = new Uint32Array(16);

  for (let offset = 0; offset < paddedLength; offset += 64) {
    for (let i = 0; i < 16; i++) words[i] = view.getUint32(offset + i * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (a + f + SINE_TABLE[i]! + words[g]!) | 0;
      const shift = SHIFTS[i]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }

  const digest = new Uint8Array(16);
  const out = new DataView(digest.buffer);
  out.setUint32(0, a0, true);
  out.setUint32(4, b0, true);
  out.setUint32(8, c0, true);
  out.setUint32(12, d0, true);
  return digest;
}

/** MD5 as 32 lowercase hex digits, the form PostgreSQL stores and compares. */
export function md5Hex(data: Uint8Array): string {
  let hex = '';
  for (const byte of md5(data)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The PasswordMessage payload for AuthenticationMD5Password:
 * `'md5' + md5hex(md5hex(password + user) + salt)`. The inner hash is what the server stores
 * (`pg_authid.rolpassword` without its `md5` prefix); `salt` is the 4 bytes the server sent.
 * Strings are hashed as UTF-8, like libpq does with the bytes it was given.
 */
export function md5PasswordMessage(user: string, password: string, salt: Uint8Array): string {
  const inner = encoder.encode(md5Hex(encoder.encode(password + user)));
  const salted = new Uint8Array(inner.length + salt.length);
  salted.set(inner);
  salted.set(salt, inner.length);
  return 'md5' + md5Hex(salted);
}
