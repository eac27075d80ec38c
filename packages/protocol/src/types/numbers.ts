/**
 * Text-format decoder for numeric: the field's byte range in a DataRow, as the server wrote it.
 */

import { decodeAscii } from './text/text.ts';

/** numeric → its decimal text (including `NaN`, `Infinity`, `-Infinity`): no JS number holds it exactly. */
export function decodeNumeric(bytes: Uint8Array, start: number, end: number): string {
  return decodeAscii(bytes, start, end);
}
