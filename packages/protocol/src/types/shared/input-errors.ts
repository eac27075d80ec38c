/**
 * The messages a converter throws, worded as PostgreSQL's input functions word them, so a bad row
 * reads the same whether the loader or the server refused it. The field's text is decoded only here,
 * on the error path.
 */
import { ValueError } from './codec.ts';

const decoder = new TextDecoder();
/** Longer values are cut in messages; the loader reports the value itself separately. */
const MAX_QUOTED = 120;

/** The field as text for a message, cut at MAX_QUOTED characters. */
export function quoted(bytes: Uint8Array, start: number, end: number): string {
  const text = decoder.decode(bytes.subarray(start, Math.min(end, start + MAX_QUOTED * 4)));
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

/** `invalid input syntax for type integer: "12x"` */
export function invalidSyntax(label: string, bytes: Uint8Array, start: number, end: number): ValueError {
  return new ValueError(`invalid input syntax for type ${label}: "${quoted(bytes, start, end)}"`);
}

/** `value "99999" is out of range for type smallint` */
export function valueOutOfRange(label: string, bytes: Uint8Array, start: number, end: number): ValueError {
  return new ValueError(`value "${quoted(bytes, start, end)}" is out of range for type ${label}`);
}

/** A message of the server's with the value quoted at its end: `date out of range: "…"`. */
export function withValue(message: string, bytes: Uint8Array, start: number, end: number): ValueError {
  return new ValueError(`${message}: "${quoted(bytes, start, end)}"`);
}

/**
 * Text the converter does not read although the server may: say so and how to load it anyway, rather
 * than guess at what the server would make of it.
 */
export function notConverted(
  label: string,
  bytes: Uint8Array,
  start: number,
  end: number,
  why: string,
): ValueError {
  return new ValueError(
    `cannot convert "${quoted(bytes, start, end)}" to ${label} in binary format: ${why}; if PostgreSQL ` +
      `accepts it, load with copyFormat: 'text' to let the server parse it`,
  );
}
