/**
 * oid from text, as oidin reads it: C's strtoul, then a check that the result fits 32 bits. So
 * whitespace and a sign are allowed, and a minus sign wraps ('-1' is 4294967295) for values down to
 * -2^31. PostgreSQL 16 switched strtoul to base 0, so there '0x1F' is hex and '017' octal; the
 * converter follows the session's server version and refuses those forms when it is unknown.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { hexValue, isSpace, MINUS, PLUS } from '../shared/ascii.ts';
import { invalidSyntax, notConverted, valueOutOfRange } from '../shared/input-errors.ts';
import { putInt32 } from '../shared/int64.ts';
import { type ConversionSession, PG16 } from '../shared/session.ts';

const UINT32_LIMIT = 1n << 32n;
const UINT64_LIMIT = 1n << 64n;
/** strtoul's result for values that sign-extend from int32: accepted "for backwards compatibility". */
const SIGN_EXTENDED = UINT64_LIMIT - (1n << 31n);

/** The digits' value exactly, for those past 2^53. */
function bigMagnitude(bytes: Uint8Array, from: number, to: number, base: number): bigint {
  let value = 0n;
  for (let k = from; k < to; k++) value = value * BigInt(base) + BigInt(hexValue(bytes[k]!));
  return value;
}

/**
 * What uint32in_subr keeps of strtoul's unsigned long (a minus sign negates it modulo 2^64): values
 * below 2^32, or those equal to an int32 sign-extended; -1 for anything else.
 */
function wrapToOid(magnitude: bigint, negative: boolean): number {
  const converted = negative && magnitude !== 0n ? UINT64_LIMIT - magnitude : magnitude;
  if (converted < UINT32_LIMIT || converted >= SIGN_EXTENDED) return Number(converted % UINT32_LIMIT);
  return -1;
}

export function oidConverter(session: ConversionSession): FieldConverter {
  const version = session.serverVersion;
  return {
    type: 'oid',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      let i = start;
      while (i < end && isSpace(bytes[i]!)) i++;
      const negative = i < end && bytes[i] === MINUS;
      if (negative || (i < end && bytes[i] === PLUS)) i++;
      let base = 10;
      if (bytes[i] === 0x30 && i + 1 < end) {
        const next = bytes[i + 1]!;
        const isHex = (next | 0x20) === 0x78 && i + 2 < end && hexValue(bytes[i + 2]!) >= 0;
        const isOctal = next >= 0x30 && next <= 0x39;
        if (isHex || isOctal) {
          if (version === undefined) {
            throw notConverted(
              'oid',
              bytes,
              start,
              end,
              'PostgreSQL 16 reads it as hex or octal, older servers as decimal',
            );
          }
          if (version >= PG16) {
            base = isHex ? 16 : 8;
            if (isHex) i += 2;
          }
        }
      }
      const firstDigit = i;
      let value = 0;
      for (; i < end; i++) {
        const digit = hexValue(bytes[i]!);
        if (digit < 0 || digit >= base) break;
        value = value * base + digit;
      }
      if (i === firstDigit) throw invalidSyntax('oid', bytes, start, end);
      // The order of oidin's checks: strtoul's ERANGE (past 2^64 - 1), junk, then the 32-bit range.
      const plain = !negative && value < 4_294_967_296;
      const magnitude = plain
        ? 0n
        : value < 2 ** 53
          ? BigInt(value)
          : bigMagnitude(bytes, firstDigit, i, base);
      if (magnitude >= UINT64_LIMIT) throw valueOutOfRange('oid', bytes, start, end);
      while (i < end && isSpace(bytes[i]!)) i++;
      if (i !== end) throw invalidSyntax('oid', bytes, start, end);
      const result = plain ? value : wrapToOid(magnitude, negative);
      if (result < 0) throw valueOutOfRange('oid', bytes, start, end);
      w.ensure(4);
      putInt32(w.bytes, w.length, result);
      w.length += 4;
    },
  };
}
