/**
 * The part of pg-copy-streams-binary (which ships no types) that the bench uses: `rowWriter`, a
 * Transform from rows of `{ type, value }` to PostgreSQL's binary COPY format.
 */

declare module 'pg-copy-streams-binary' {
  import type { Transform, TransformOptions } from 'node:stream';

  /** One field: a type the library implements (bool, bytea, int2/4/8, text, varchar, json(b), float4/8, timestamptz, arrays). */
  export interface TypedValue {
    type: string;
    /** null for NULL; never undefined (the library does not handle it). */
    value: unknown;
  }

  export interface RowWriterOptions extends TransformOptions {
    /** Default true: write the PGCOPY header before the first row. */
    COPY_sendHeader?: boolean;
    /** Default true: write the trailer when the stream ends. */
    COPY_sendTrailer?: boolean;
  }

  /** The CommonJS `module.exports`; ESM code reaches it through the default import only. */
  const copyBinary: {
    /** Object-mode in (one TypedValue[] per row), bytes out: one Buffer per row. */
    rowWriter(options?: RowWriterOptions): Transform;
  };
  export default copyBinary;
}
