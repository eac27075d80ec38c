/**
 * A JS string as a field's bytes, for the binary codecs that read strings with their type's FromText
 * parser (numeric, date/time): one parser and one set of limits whether the text came from a CSV
 * field or a JS value. The bytes land in a scratch buffer reused by every call, so a codec reads them
 * before it encodes the next string.
 */

const encoder = new TextEncoder();

/** The last string loaded: its UTF-8 bytes are stringField.bytes[0, stringField.end). */
export const stringField = { bytes: new Uint8Array(64), end: 0 };

/** Puts `text`'s UTF-8 bytes in `stringField`. */
export function loadString(text: string): void {
  const length = text.length;
  if (stringField.bytes.length < 3 * length) stringField.bytes = new Uint8Array(3 * length);
  const bytes = stringField.bytes;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) {
      // Not ASCII (and so text no PostgreSQL input function of these types reads): let the encoder
      // spell it, for the parser's message.
      stringField.end = encoder.encodeInto(text, bytes).written;
      return;
    }
    bytes[i] = code;
  }
  stringField.end = length;
}
