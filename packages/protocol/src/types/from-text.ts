/**
 * A type's input function on bytes: the field's UTF-8 text, as PostgreSQL's `typinput` would read it,
 * appended as the type's binary send format. This is what lets a loader send binary COPY from CSV text
 * without building a JS value per field; the server's `*_in` function is the judge of what it accepts.
 */
import type { Writer } from '../wire/writer.ts';

export interface FromText {
  /** The PostgreSQL type it writes, for messages: 'int4', 'timestamptz', 'text'. */
  readonly type: string;
  /**
   * Appends the binary value (without its length word) for the text in bytes[start, end). Throws
   * ValueError with the server's wording where it has one, e.g. `invalid input syntax for type
   * integer`. On a throw, `w` may hold part of the value; the caller truncates to its own mark.
   */
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void;
}
