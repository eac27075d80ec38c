/**
 * int2, int4 and int8 from text, as int2in/int4in/int8in read it: surrounding whitespace, an optional
 * sign, decimal digits. PostgreSQL 16 also reads underscores between digits ('1_000') and 0x / 0o / 0b
 * prefixes; those forms are converted when the session says the server is 16 or later, refused as
 * invalid when it is older, and refused with a pointer to text COPY when the version is unknown.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { isSpace, MINUS, PLUS } from '../shared/ascii.ts';
import { invalidSyntax, notConverted, valueOutOfRange } from '../shared/input-errors.ts';
import { putInt32, putInt64MulAdd, putSafeInt64 } from '../shared/int64.ts';
import { type ConversionSession, PG16 } from '../shared/session.ts';

const INT8_MAX = 9_223_372_036_854_775_807n;

/** What int2in / int4in / int8in call the type in their messages. */
const LABELS = { int2: 'smallint', int4: 'integer', int8: 'bigint' } as const;

export type IntegerType = keyof typeof LABELS;

/** The byte range left after trimming whitespace and the sign: module scratch, no object per field. */
const scan = { negative: false, start: 0, end: 0 };

/** Trims whitespace and takes the sign off bytes[start, end) into `scan`. */
function trimSign(bytes: Uint8Array, start: number, end: number): void {
  let i = start;
  let e = end;
  while (i < e && isSpace(bytes[i]!)) i++;
  while (e > i && isSpace(bytes[e - 1]!)) e--;
  const first = i < e ? bytes[i] : -1;
  scan.negative = first === MINUS;
  if (first === MINUS || first === PLUS) i++;
  scan.start = i;
  scan.end = e;
}

/**
 * The slow path, for text that is not plain [sign] digits: PostgreSQL 16's forms, or an error. Scans
 * the way pg_strtoint* does, so overflow found while reading digits wins over trailing junk.
 */
function parseOther(
  label: string,
  min: bigint,
  max: bigint,
  pg16: boolean | undefined,
  bytes: Uint8Array,
  start: number,
  end: number,
): bigint {
  const { negative } = scan;
  let i = scan.start;
  const e = scan.end;
  const limit = negative ? -min : max;
  let base = 10n;
  let special = false;
  if (bytes[i] === 0x30 && i + 1 < e) {
    const letter = bytes[i + 1]! | 0x20;
    base = letter === 0x78 ? 16n : letter === 0x6f ? 8n : letter === 0x62 ? 2n : 10n;
    if (base !== 10n) {
      if (pg16 === false) throw invalidSyntax(label, bytes, start, end);
      special = true;
      i += 2;
    }
  }
  const firstDigit = i;
  let value = 0n;
  for (; i < e; i++) {
    const digit = digitValue(bytes[i]!);
    if (digit >= 0 && BigInt(digit) < base) {
      value = value * base + BigInt(digit);
      if (value > limit) throw valueOutOfRange(label, bytes, start, end);
    } else if (bytes[i] === 0x5f && pg16 !== false) {
      // An underscore must follow a digit (or a base prefix) and be followed by one.
      special = true;
      const next = i + 1 < e ? digitValue(bytes[i + 1]!) : -1;
      if ((i === firstDigit && base === 10n) || next < 0 || BigInt(next) >= base) {
        throw invalidSyntax(label, bytes, start, end);
      }
    } else break;
  }
  if (i === firstDigit || i !== e) throw invalidSyntax(label, bytes, start, end);
  if (special && pg16 === undefined) {
    throw notConverted(label, bytes, start, end, 'PostgreSQL 16 and later read it, older servers refuse it');
  }
  return negative ? -value : value;
}

function digitValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Any text int2in / int4in would read, the slow way. */
function generalValue(
  label: string,
  min: bigint,
  max: bigint,
  pg16: boolean | undefined,
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  trimSign(bytes, start, end);
  let value = 0;
  let i = scan.start;
  for (; i < scan.end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  if (i !== scan.end || i === scan.start) return Number(parseOther(label, min, max, pg16, bytes, start, end));
  if (scan.negative) value = -value;
  if (value < Number(min) || value > Number(max)) throw valueOutOfRange(label, bytes, start, end);
  return value;
}

function pg16Of(session: ConversionSession): boolean | undefined {
  return session.serverVersion === undefined ? undefined : session.serverVersion >= PG16;
}

/** int2 or int4: every value fits a double, so digits accumulate in a number. */
function smallIntegerConverter(type: 'int2' | 'int4', session: ConversionSession): FieldConverter {
  const label = LABELS[type];
  const size = type === 'int2' ? 2 : 4;
  const min = type === 'int2' ? -32_768 : -2_147_483_648;
  const max = type === 'int2' ? 32_767 : 2_147_483_647;
  const pg16 = pg16Of(session);
  return {
    type,
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      // Plain [-]digits first; anything else (whitespace, '+', other forms, errors) takes the long way.
      const negative = start < end && bytes[start] === MINUS;
      const first = negative ? start + 1 : start;
      let i = first;
      let value = 0;
      for (; i < end; i++) {
        const digit = bytes[i]! - 0x30;
        if (digit < 0 || digit > 9) break;
        // Past the range the value only grows, so precision lost here cannot pass the check below.
        value = value * 10 + digit;
      }
      if (i !== end || i === first) {
        value = generalValue(label, BigInt(min), BigInt(max), pg16, bytes, start, end);
      } else {
        if (negative) value = -value;
        if (value < min || value > max) throw valueOutOfRange(label, bytes, start, end);
      }
      w.ensure(size);
      const out = w.bytes;
      if (size === 2) {
        out[w.length] = (value >> 8) & 0xff;
        out[w.length + 1] = value & 0xff;
      } else putInt32(out, w.length, value);
      w.length += size;
    },
  };
}

/** int8: up to 15 digits accumulate exactly in a double; longer ones as high · 10^9 + low 9 digits. */
function bigintConverter(session: ConversionSession): FieldConverter {
  const label = LABELS.int8;
  const pg16 = pg16Of(session);
  return {
    type: 'int8',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      w.ensure(8);
      // Plain [-]digits, the common case, without trimming first.
      let negative = start < end && bytes[start] === MINUS;
      let first = negative ? start + 1 : start;
      let e = end;
      let i = first;
      for (; i < e; i++) {
        const code = bytes[i]!;
        if (code < 0x30 || code > 0x39) break;
      }
      if (i !== e || i === first) {
        trimSign(bytes, start, end);
        negative = scan.negative;
        first = scan.start;
        e = scan.end;
        for (i = first; i < e; i++) {
          const code = bytes[i]!;
          if (code < 0x30 || code > 0x39) break;
        }
        if (i !== e || i === first) {
          const value = parseOther(label, -INT8_MAX - 1n, INT8_MAX, pg16, bytes, start, end);
          w.view.setBigInt64(w.length, value);
          w.length += 8;
          return;
        }
      }
      const digits = e - first;
      if (digits <= 15) {
        let value = 0;
        for (let k = first; k < e; k++) value = value * 10 + (bytes[k]! - 0x30);
        putSafeInt64(w.bytes, w.length, negative ? -value : value);
        w.length += 8;
        return;
      }
      // high: all but the last 9 digits (exact while it matters: any high past 2^53 is out of range).
      const split = e - 9;
      let high = 0;
      for (let k = first; k < split; k++) high = high * 10 + (bytes[k]! - 0x30);
      let low = 0;
      for (let k = split; k < e; k++) low = low * 10 + (bytes[k]! - 0x30);
      // 2^63 = 9223372036 · 10^9 + 854775808.
      if (high > 9_223_372_036 || (high === 9_223_372_036 && low > (negative ? 854_775_808 : 854_775_807))) {
        throw valueOutOfRange(label, bytes, start, end);
      }
      putInt64MulAdd(w.bytes, w.length, high, 1_000_000_000, low, negative);
      w.length += 8;
    },
  };
}

export function integerConverter(type: IntegerType, session: ConversionSession): FieldConverter {
  return type === 'int8' ? bigintConverter(session) : smallIntegerConverter(type, session);
}
