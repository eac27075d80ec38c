/**
 * Where in its data a `COPY … FROM` failed, read from the error's CONTEXT field, which the server's
 * CopyFromErrorCallback writes as one of
 *   COPY <relation>, line <n>, column <column>: "<value>"   (text and CSV)
 *   COPY <relation>, line <n>, column <column>: null input
 *   COPY <relation>, line <n>, column <column>             (binary)
 *   COPY <relation>, line <n>: "<line text>"
 *   COPY <relation>, line <n>
 * The line counts from 1 at the COPY's first data line (the server counts lines, not rows).
 *
 * Only the English form is read: the server translates these words under `lc_messages`, so a caller
 * must be ready for `undefined` (another language, or no CONTEXT) and find the row another way.
 */
import type { PostgresError } from './errors.ts';

export interface CopyErrorContext {
  /** The table, unquoted, as the server names it. */
  relation: string;
  line: number;
  /** The column being read, when the error is about one field. */
  column?: string;
  /** The field's text (a column-level error) or the line's (a line-level one), maybe cut short. */
  value?: string;
}

/**
 * The whole COPY frame, to the end of the CONTEXT (the COPY's frame is the outermost, so the last).
 * The relation is matched lazily and the rest anchored to the end, so a table named "t, line 1" or a
 * value holding ", line 9" cannot shift the line read.
 */
const COPY_FRAME = /^COPY (.+?), line (\d+)(?:, column (.+?))?(?:: "(.*)"|: null input)?$/s;

export function copyErrorContext(error: PostgresError): CopyErrorContext | undefined {
  const where = error.where;
  if (!where) return undefined;
  // Frames before the COPY's (a trigger's, a function's) come first, one per line.
  let at = 0;
  while (at >= 0) {
    const match = where.startsWith('COPY ', at) ? COPY_FRAME.exec(where.slice(at)) : null;
    if (match) {
      const context: CopyErrorContext = { relation: match[1]!, line: Number(match[2]) };
      if (match[3] !== undefined) context.column = match[3];
      if (match[4] !== undefined) context.value = match[4];
      return context;
    }
    const next = where.indexOf('\nCOPY ', at);
    at = next < 0 ? -1 : next + 1;
  }
  return undefined;
}

/** The COPY data line (1-based) the error names, if its CONTEXT can be read. */
export function copyErrorLine(error: PostgresError): number | undefined {
  return copyErrorContext(error)?.line;
}
