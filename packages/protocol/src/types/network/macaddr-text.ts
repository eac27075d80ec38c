/**
 * macaddr and macaddr8 from text into their send formats: the 6 or 8 address bytes.
 *
 * macaddr_in tries six sscanf patterns in turn, the first that reads 6 numbers wins:
 * '%x:%x:%x:%x:%x:%x', the same with '-', '%2x%2x%2x:%2x%2x%2x', with '-', '%2x%2x.%2x%2x.%2x%2x'
 * and '%2x%2x%2x%2x%2x%2x', each with nothing but whitespace after. sscanf's %x skips whitespace
 * before each number and also takes a sign or a '0x' prefix: where one of those starts a number the
 * outcome is left to the server (notConverted), as is a match with a number of more than 8 digits
 * (overflow).
 * A number past 255 is 'invalid octet value'.
 *
 * macaddr8_in reads pairs of hex digits, 6 or 8 of them, each optionally followed by one spacer
 * (':', '-' or '.', the same throughout), with whitespace before and after; a 6-byte address becomes
 * EUI-64 with FF:FE in the middle.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { hexValue, isSpace } from '../shared/ascii.ts';
import { ValueError } from '../shared/codec.ts';
import { invalidSyntax, notConverted, quoted } from '../shared/input-errors.ts';

/** A sscanf pattern: widths of the six numbers (0: unlimited) and the literal after each of the first five. */
interface Pattern {
  readonly width: number;
  readonly separators: readonly number[];
}

const NONE = -1;
const PATTERNS: readonly Pattern[] = [
  { width: 0, separators: [0x3a, 0x3a, 0x3a, 0x3a, 0x3a] },
  { width: 0, separators: [0x2d, 0x2d, 0x2d, 0x2d, 0x2d] },
  { width: 2, separators: [NONE, NONE, 0x3a, NONE, NONE] },
  { width: 2, separators: [NONE, NONE, 0x2d, NONE, NONE] },
  { width: 2, separators: [NONE, 0x2e, NONE, 0x2e, NONE] },
  { width: 2, separators: [NONE, NONE, NONE, NONE, NONE] },
];

/** What a pattern made of the text: 6 numbers read, fewer, or a case sscanf reads in ways not followed. */
const MATCHED = 1;
const FAILED = 0;
const UNSURE = -1;

const octets = new Float64Array(8);

/** sscanf(text, pattern) as glibc runs it, for the cases it decides surely. */
function scan(pattern: Pattern, bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  const limit = pattern.width === 0 ? Number.POSITIVE_INFINITY : pattern.width;
  /** A number of more than 8 digits overflows sscanf's int: what it stores is not followed. */
  let overflow = false;
  for (let n = 0; n < 6; n++) {
    while (i < end && isSpace(bytes[i]!)) i++;
    if (i >= end) return FAILED;
    const first = bytes[i]!;
    if (first === 0x2b || first === 0x2d) return UNSURE;
    if (first === 0x30 && i + 1 < end && (bytes[i + 1]! | 0x20) === 0x78) return UNSURE;
    let value = 0;
    let digits = 0;
    while (i < end && digits < limit && hexValue(bytes[i]!) >= 0) {
      value = value * 16 + hexValue(bytes[i]!);
      digits++;
      i++;
    }
    if (digits === 0) return FAILED;
    if (digits > 8) overflow = true;
    octets[n] = value;
    if (n < 5) {
      const separator = pattern.separators[n]!;
      if (separator !== NONE) {
        if (i >= end || bytes[i] !== separator) return FAILED;
        i++;
      }
    }
  }
  // '%1s' reads a seventh item if anything but whitespace follows.
  while (i < end && isSpace(bytes[i]!)) i++;
  if (i !== end) return FAILED;
  return overflow ? UNSURE : MATCHED;
}

export const macaddrConverter: FieldConverter = {
  type: 'macaddr',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    let outcome = FAILED;
    for (const pattern of PATTERNS) {
      outcome = scan(pattern, bytes, start, end);
      if (outcome !== FAILED) break;
    }
    if (outcome === UNSURE) {
      throw notConverted('macaddr', bytes, start, end, 'a sign, 0x prefix or long number is not read');
    }
    if (outcome === FAILED) throw invalidSyntax('macaddr', bytes, start, end);
    w.ensure(6);
    for (let k = 0; k < 6; k++) {
      const octet = octets[k]!;
      // Past 0x7fffffff sscanf's int is negative: refused all the same.
      if (octet > 255) {
        throw new ValueError(`invalid octet value in "macaddr" value: "${quoted(bytes, start, end)}"`);
      }
      w.bytes[w.length + k] = octet;
    }
    w.length += 6;
  },
};

export const macaddr8Converter: FieldConverter = {
  type: 'macaddr8',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    const invalid = () => invalidSyntax('macaddr8', bytes, start, end);
    let i = start;
    while (i < end && isSpace(bytes[i]!)) i++;
    let count = 0;
    let spacer = NONE;
    // Digits come in pairs: one digit left at the end is ignored, as the server's loop does.
    while (i + 1 < end) {
      if (count === 8) throw invalid();
      const high = hexValue(bytes[i]!);
      const low = hexValue(bytes[i + 1]!);
      if (high < 0 || low < 0) throw invalid();
      octets[count++] = (high << 4) | low;
      i += 2;
      const c = i < end ? bytes[i]! : NONE;
      if (c === 0x3a || c === 0x2d || c === 0x2e) {
        if (spacer === NONE) spacer = c;
        else if (spacer !== c) throw invalid();
        i++;
      }
      if ((count === 6 || count === 8) && i < end && isSpace(bytes[i]!)) {
        while (++i < end && isSpace(bytes[i]!));
        if (i < end) throw invalid();
      }
    }
    if (count !== 6 && count !== 8) throw invalid();
    w.ensure(8);
    const out = w.bytes;
    const at = w.length;
    for (let k = 0; k < 3; k++) out[at + k] = octets[k]!;
    if (count === 6) {
      out[at + 3] = 0xff;
      out[at + 4] = 0xfe;
      for (let k = 3; k < 6; k++) out[at + k + 2] = octets[k]!;
    } else {
      for (let k = 3; k < 8; k++) out[at + k] = octets[k]!;
    }
    w.length = at + 8;
  },
};
