/**
 * Standard base64 (RFC 4648 §4, with padding) for SCRAM attributes, written out because the core may
 * not use Buffer and `atob`/`btoa` work on Latin-1 strings rather than bytes.
 */
import { AuthError } from '../errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Maps a char code to its 6-bit value, or -1 for anything outside the alphabet. */
const DECODE_TABLE = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Decodes padded base64. Strict, because the input comes from the server: a wrong length, a character
 * outside the alphabet or misplaced padding throws AuthError naming `what` (e.g. "salt").
 */
export function base64Decode(text: string, what = 'base64 value'): Uint8Array<ArrayBuffer> {
  if (text.length % 4 !== 0)
    throw new AuthError(`invalid ${what}: base64 length ${text.length} is not a multiple of 4`);
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const code = text.charCodeAt(i + j);
      const isPad = last && code === 61 /* '=' */ && j >= 4 - padding;
      const value = isPad ? 0 : code < 128 ? DECODE_TABLE[code]! : -1;
      if (value < 0) throw new AuthError(`invalid ${what}: unexpected character at offset ${i + j}`);
      n = (n << 6) | value;
    }
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
