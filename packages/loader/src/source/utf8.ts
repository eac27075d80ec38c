/**
 * Strict UTF-8 for text sources decoded here (NDJSON, JSON): a TextDecoder left to its default turns
 * every invalid byte into U+FFFD and the load would store that without a word. PostgreSQL refuses such
 * input (SQLSTATE 22021, `invalid byte sequence for encoding "UTF8": 0xed 0xa0 0x80`); so do we, naming
 * the same bytes. The rules are the WHATWG decoder's, which match pg_utf8_islegal: no overlong forms,
 * no UTF-16 surrogates, nothing past U+10FFFF.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text of bytes[start, end), or null when they are not valid UTF-8. */
export function decodeStrict(bytes: Uint8Array, start: number, end: number): string | null {
  try {
    return strict.decode(bytes.subarray(start, end));
  } catch {
    return null;
  }
}

/** The text with U+FFFD for what is not UTF-8: for showing a row that was refused for it. */
export function decodeLenient(bytes: Uint8Array, start: number, end: number): string {
  return lenient.decode(bytes.subarray(start, end));
}

/** Offset of the first byte in bytes[start, end) that does not begin a valid UTF-8 character; -1 if none. */
export function invalidUtf8At(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(b);
    if (length === 1 || i + length > end) return i;
    const b1 = bytes[i + 1]!;
    // The second byte's range depends on the first (no overlongs, no surrogates, ≤ U+10FFFF).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (b1 < low || b1 > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

/**
 * The bytes PostgreSQL names for an invalid sequence at `at`: as many as its first byte claims (one
 * for a byte that cannot start a character), cut at `end`. E.g. `0xed 0xa0 0x80`.
 */
export function invalidSequenceText(bytes: Uint8Array, at: number, end: number): string {
  const length = Math.min(pgCharLength(bytes[at]!), end - at);
  const shown: string[] = [];
  for (let k = 0; k < length; k++) shown.push(`0x${bytes[at + k]!.toString(16).padStart(2, '0')}`);
  return shown.join(' ');
}

/** pg_utf_mblen: the length the server assumes from a first byte, for its message. */
function pgCharLength(b: number): number {
  if (b < 0x80) return 1;
  if ((b & 0xe0) === 0xc0) return 2;
  if ((b & 0xf0) === 0xe0) return 3;
  if ((b & 0xf8) === 0xf0) return 4;
  return 1;
}

/** Bytes in the sequence a valid lead byte starts; 1 for one that cannot start a multibyte character. */
function sequenceLength(b: number): number {
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 1;
}
