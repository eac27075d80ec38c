/** Text-format decoder for float4 and float8. */

import { decodeAscii } from '../text/text.ts';

/**
 * float4/float8 → number. The server spells the specials `NaN`, `Infinity`, `-Infinity` and writes
 * `-0`, all of which Number() reads back exactly; from PostgreSQL 12 on, output is the shortest text
 * that round-trips, so the double is exact too (older servers need extra_float_digits=3 for that).
 */
export function decodeFloat(bytes: Uint8Array, start: number, end: number): number {
  return Number(decodeAscii(bytes, start, end));
}
