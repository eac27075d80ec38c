/**
 * Typed SQL literals for the one place values cannot be bound: `COPY (select …) TO STDOUT` takes no
 * parameters, so partition bounds are written into its text.
 */
import { LoadConfigError } from '../errors.ts';

/**
 * `text` as a string literal. Quotes are doubled; a value with backslashes is written as an E'' literal
 * with them doubled too, which reads the same whatever standard_conforming_strings is.
 */
export function stringLiteral(text: string): string {
  if (text.includes('\0')) throw new LoadConfigError(`value ${JSON.stringify(text)} contains NUL`);
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/** `'…'::type`; `castType` is SQL already (from format_type, so quoted where it needs to be). */
export function typedLiteral(text: string, castType: string): string {
  return `${stringLiteral(text)}::${castType}`;
}
