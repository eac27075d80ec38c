/**
 * The numeric family: the text decoder for query results, the binary codec, and the FromText
 * converter, with one parser (from-text.ts) behind both encoders.
 */
import { decodeAscii } from '../text/text.ts';

export { decodeNumericText, encodeNumericText, numericCodec } from './binary.ts';
export { numericConverter } from './from-text.ts';

/** numeric text → its decimal text (including `NaN`, `Infinity`, `-Infinity`): no JS number holds it exactly. */
export function decodeNumeric(bytes: Uint8Array, start: number, end: number): string {
  return decodeAscii(bytes, start, end);
}
