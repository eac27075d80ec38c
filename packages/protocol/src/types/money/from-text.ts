/**
 * money from text, as cash_in reads it, into cash_send's format: an int64 count of cents (of the
 * locale's fraction digits).
 *
 * cash_in takes its symbols from the lc_monetary locale: currency symbol, decimal point, thousands
 * separator, signs and the number of fraction digits. A client cannot look those up for a named
 * locale (they live in the server's C library), so money converts only under lc_monetary C or POSIX,
 * whose symbols cash_in fixes: '$', '.', ',', '+', '-' and 2 digits. Under any other locale the
 * column stays on text COPY and the server reads it.
 *
 * The C locale's reading: whitespace, '$', a sign ('-', '+' or '('), whitespace, '$', then digits with
 * ',' anywhere ignored and one '.'; digits past the second decimal round the value half up by the
 * first of them and are dropped; after the number only whitespace, ')', signs and '$' (a '-' there
 * negates too).
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { isDigit, isSpace } from '../shared/ascii.ts';
import { invalidSyntax, valueOutOfRange } from '../shared/input-errors.ts';
import { putSafeInt64 } from '../shared/int64.ts';
import type { ConversionSession } from '../shared/session.ts';

const DOLLAR = 0x24;
const COMMA = 0x2c;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const OPEN = 0x28;
const CLOSE = 0x29;
const FRACTION_DIGITS = 2;

const INT64_MIN = -(2n ** 63n);

/** Locales whose monetary symbols cash_in fixes itself (lconv's empty strings). */
export function fixedMonetaryLocale(lcMonetary: string | undefined): boolean {
  return lcMonetary === 'C' || lcMonetary === 'POSIX';
}

function skipSpaces(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && isSpace(bytes[i]!)) i++;
  return i;
}

/** The amount, built negative as cash_in builds it; a bigint once it leaves a double's exact range. */
let small = 0;
let big: bigint | null = null;

function times10Minus(digit: number): boolean {
  if (big === null) {
    const next = small * 10 - digit;
    if (next >= -Number.MAX_SAFE_INTEGER) {
      small = next;
      return true;
    }
    big = BigInt(small);
  }
  big = big * 10n - BigInt(digit);
  return big >= INT64_MIN;
}

export const moneyConverter: FieldConverter = {
  type: 'money',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    const outOfRange = () => valueOutOfRange('money', bytes, start, end);
    small = 0;
    big = null;
    let negative = false;
    let i = skipSpaces(bytes, start, end);
    if (bytes[i] === DOLLAR && i < end) i++;
    i = skipSpaces(bytes, i, end);
    if (i < end && (bytes[i] === MINUS || bytes[i] === OPEN)) {
      negative = true;
      i++;
    } else if (i < end && bytes[i] === PLUS) i++;
    i = skipSpaces(bytes, i, end);
    if (bytes[i] === DOLLAR && i < end) i++;
    i = skipSpaces(bytes, i, end);
    let seenDot = false;
    let decimals = 0;
    for (; i < end; i++) {
      const c = bytes[i]!;
      if (isDigit(c) && (!seenDot || decimals < FRACTION_DIGITS)) {
        if (!times10Minus(c - 0x30)) throw outOfRange();
        if (seenDot) decimals++;
      } else if (c === DOT && !seenDot) seenDot = true;
      else if (c !== COMMA) break;
    }
    // One more digit rounds (half away from zero); the rest are dropped.
    if (i < end && bytes[i]! >= 0x35 && bytes[i]! <= 0x39) {
      if (big === null && small - 1 >= -Number.MAX_SAFE_INTEGER) small -= 1;
      else {
        big = (big ?? BigInt(small)) - 1n;
        if (big < INT64_MIN) throw outOfRange();
      }
    }
    for (; decimals < FRACTION_DIGITS; decimals++) if (!times10Minus(0)) throw outOfRange();
    while (i < end && isDigit(bytes[i]!)) i++;
    for (; i < end; i++) {
      const c = bytes[i]!;
      if (c === MINUS) negative = true;
      else if (!(isSpace(c) || c === CLOSE || c === PLUS || c === DOLLAR))
        throw invalidSyntax('money', bytes, start, end);
    }
    w.ensure(8);
    if (big === null) {
      putSafeInt64(w.bytes, w.length, negative ? small : -small);
    } else {
      if (!negative && big === INT64_MIN) throw outOfRange();
      w.view.setBigInt64(w.length, negative ? big : -big);
    }
    w.length += 8;
  },
};

/** The money converter for the session, or null when its lc_monetary is not known to be C/POSIX. */
export function moneyConverterFor(session: ConversionSession): FieldConverter | null {
  return fixedMonetaryLocale(session.lcMonetary) ? moneyConverter : null;
}
