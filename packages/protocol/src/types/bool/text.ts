/**
 * bool in text format: the server writes exactly `t` or `f`.
 */

const LOWER_T = 0x74;

/** bool → boolean. */
export function decodeBool(bytes: Uint8Array, start: number, _end: number): boolean {
  return bytes[start] === LOWER_T;
}

/** boolean → the text the server writes itself (`t`/`f`). */
export function encodeBool(value: boolean): string {
  return value ? 't' : 'f';
}
