/**
 * json and jsonb in text format: the document as UTF-8 text (jsonb normalised by the server).
 */

import { decodeText } from '../text/text.ts';

/** json/jsonb → the parsed value (objects, arrays, strings, numbers as doubles, booleans, null). */
export function decodeJson(bytes: Uint8Array, start: number, end: number): unknown {
  return JSON.parse(decodeText(bytes, start, end));
}
