/**
 * The one place that decides which target column a source field names. Creating a table from a file
 * (infer.ts) and mapping a file onto a table (mapping.ts) both use it, so a table created from a
 * header is exactly the table that header then maps onto, on this load and every later one.
 *
 *  - A name longer than 63 bytes is cut the way the server cuts identifiers (NAMEDATALEN - 1 bytes
 *    of UTF-8, never splitting a character): `create table t ("<80 bytes>")` stores the cut name.
 *  - A blank header name (empty or only spaces) becomes `colN`, N its 1-based position.
 *  - A name that repeats an earlier one (after cutting) gets `_2`, `_3`, … (cut again to fit).
 * Names written in the header keep their spelling; only blank and repeated ones are renamed, and
 * never onto a name the header itself uses.
 */
import { LoadConfigError } from '../errors.ts';

/** NAMEDATALEN - 1: the bytes PostgreSQL keeps of an identifier. */
export const MAX_IDENTIFIER_BYTES = 63;

/** `name` cut to 63 bytes of UTF-8 at a character boundary, as the server's truncate_identifier does. */
export function truncateIdentifier(name: string, maxBytes = MAX_IDENTIFIER_BYTES): string {
  // Every UTF-16 unit is at most 3 bytes of UTF-8: short strings cannot be over.
  if (name.length * 3 <= maxBytes) return name;
  let bytes = 0;
  let end = 0;
  for (const char of name) {
    const code = char.codePointAt(0)!;
    // A lone surrogate travels as U+FFFD: 3 bytes, like the BMP characters around it.
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return name.slice(0, end);
}

/** Whether a header name is missing (empty or only white space): such a field gets `colN`. */
export function isBlankName(name: string | undefined): boolean {
  return name === undefined || name.trim() === '';
}

/**
 * The target column name of each of `width` source fields, from header names (null or shorter than
 * `width`: the rest are blank). See the file comment for the rules.
 */
export function targetColumnNames(header: readonly string[] | null, width: number): string[] {
  const out: (string | undefined)[] = new Array(width).fill(undefined);
  const taken = new Set<string>();
  // First the names as written, first occurrence winning, so a generated name never displaces one.
  for (let i = 0; i < width; i++) {
    const given = header?.[i];
    if (given === undefined || isBlankName(given)) continue;
    const name = truncateIdentifier(given);
    if (taken.has(name)) continue;
    taken.add(name);
    out[i] = name;
  }
  for (let i = 0; i < width; i++) {
    if (out[i] !== undefined) continue;
    const given = header?.[i];
    const blank = given === undefined || isBlankName(given);
    const base = blank ? `col${i + 1}` : truncateIdentifier(given);
    let name = blank && !taken.has(base) ? base : undefined;
    for (let n = 2; name === undefined; n++) {
      const suffix = `_${n}`;
      const candidate = truncateIdentifier(base, MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
      if (!taken.has(candidate)) name = candidate;
    }
    taken.add(name);
    out[i] = name;
  }
  return out as string[];
}

/**
 * An explicit columns list names target columns itself: each is cut like any identifier, and a blank
 * entry is an error (there is no column to call it).
 */
export function explicitColumnNames(columns: readonly string[]): string[] {
  return columns.map((name, i) => {
    if (isBlankName(name)) {
      throw new LoadConfigError(`columns list: entry ${i + 1} is empty; name a column for every field`);
    }
    return truncateIdentifier(name);
  });
}

/** How a field's target name came about, for error messages: "" when it is the header name as written. */
export function renamedBecause(header: readonly string[] | null, index: number, target: string): string {
  const given = header?.[index];
  if (given === target) return '';
  if (given === undefined || isBlankName(given)) return `field ${index + 1} has no name`;
  if (truncateIdentifier(given) === target) return `${JSON.stringify(given)} cut to 63 bytes`;
  return `field ${index + 1}, ${JSON.stringify(given)} again`;
}
