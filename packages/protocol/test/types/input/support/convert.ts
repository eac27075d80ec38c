/** Running a converter on a JS string, as a test sees it: the bytes it writes (hex) or its message. */
import { ValueError, Writer } from '@haul/protocol';
import type { FromText as FieldConverter } from '../../../../src/types/from-text.ts';
import { builtinTypes } from '../../../../src/types/registry.ts';
import type { ConversionSession } from '../../../../src/types/shared/session.ts';

/**
 * The one registry's converter for a built-in type by its exact typname ('char' is "char", '_int4' an
 * array), as a loader finds it from the catalog.
 */
export function converterFor(typname: string, session: ConversionSession): FieldConverter | null {
  return builtinTypes.fromText(`"${typname}"`, session);
}

export type Outcome = { ok: true; hex: string } | { ok: false; message: string };

export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

const encoder = new TextEncoder();

/**
 * Bytes after the field in the buffer, as a CSV chunk or an unescape scratch buffer may hold them: a
 * converter must not read past the field, so each of these must give the same outcome.
 */
const TAILS = ['1111111', '.e5_x(0', '-0x:T+.', '}"\\,{ '].map((tail) => encoder.encode(tail));

function convertWithTail(converter: FieldConverter, body: Uint8Array, tail: Uint8Array): Outcome {
  const w = new Writer(64);
  // Offset the field inside a larger buffer, as CSV fields are.
  const bytes = new Uint8Array(body.length + 3 + tail.length);
  bytes.fill(0x31, 0, 3);
  bytes.set(body, 3);
  bytes.set(tail, 3 + body.length);
  try {
    converter.write(w, bytes, 3, 3 + body.length);
  } catch (error) {
    if (error instanceof ValueError) return { ok: false, message: error.message };
    throw error;
  }
  return { ok: true, hex: toHex(w.take()) };
}

/** What the converter makes of a text; throws anything but a ValueError, or if the outcome depends on
 * bytes past the field. */
export function convert(converter: FieldConverter, text: string): Outcome {
  const body = encoder.encode(text);
  const outcome = convertWithTail(converter, body, TAILS[0]!);
  for (const tail of TAILS.slice(1)) {
    const other = convertWithTail(converter, body, tail);
    if (JSON.stringify(other) !== JSON.stringify(outcome)) {
      throw new Error(
        `${converter.type} read past the end of ${JSON.stringify(text)}: ${JSON.stringify([outcome, other])}`,
      );
    }
  }
  return outcome;
}

/** A converter's refusal of text it does not read (the server might): see input-errors.ts. */
export function isNotConverted(outcome: Outcome): boolean {
  return !outcome.ok && outcome.message.startsWith('cannot convert ');
}

/** The converter's bytes as hex; fails the test with its message if it refuses. */
export function hexOf(converter: FieldConverter, text: string): string {
  const outcome = convert(converter, text);
  if (!outcome.ok) throw new Error(`refused ${JSON.stringify(text)}: ${outcome.message}`);
  return outcome.hex;
}

/** The converter's message for a text it refuses; fails the test if it accepts. */
export function messageOf(converter: FieldConverter, text: string): string {
  const outcome = convert(converter, text);
  if (outcome.ok) throw new Error(`accepted ${JSON.stringify(text)} as ${outcome.hex}`);
  return outcome.message;
}

/** Hex of an int64 / int32 / float, for expectations. */
export function int64Hex(value: bigint): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigInt64(0, value);
  return toHex(new Uint8Array(view.buffer));
}

export function int32Hex(value: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setInt32(0, value);
  return toHex(new Uint8Array(view.buffer));
}
