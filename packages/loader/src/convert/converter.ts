/**
 * Text → binary COPY conversion for one column: the field's UTF-8 text (as PostgreSQL's input
 * function would read it) appended as the type's binary send format, without its length word.
 */
import type { Writer } from '@haul/protocol';

export interface FieldConverter {
  /** The PostgreSQL type it writes, for messages: 'int4', 'timestamptz', 'text'. */
  readonly type: string;
  /**
   * Appends the binary value for the text in bytes[start, end). Throws ValueError (from
   * @haul/protocol) with a message naming what is wrong, e.g. `invalid input syntax for type integer`.
   * On a throw, `w` may hold part of the value; the caller truncates to its own mark.
   */
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void;
}
