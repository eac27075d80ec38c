/**
 * SQL identifiers: quoting names for statements, and reading the `schema.name` a user typed the way
 * PostgreSQL's parser would (quoted parts kept as written, unquoted parts folded to lower case).
 */
import { LoadConfigError } from '../errors.ts';

export interface QualifiedName {
  /** null when the name was unqualified (resolved through search_path). */
  schema: string | null;
  name: string;
}

/** `name` as a quoted identifier: always quoted, so case, spaces and keywords survive. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new LoadConfigError(`identifier ${JSON.stringify(name)} contains NUL`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"` or `"name"`. */
export function quoteQualified(name: QualifiedName): string {
  return name.schema === null ? quoteIdent(name.name) : `${quoteIdent(name.schema)}.${quoteIdent(name.name)}`;
}

// Unquoted identifiers as PostgreSQL's scanner accepts them (non-ASCII letters included).
const UNQUOTED = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*$/;

/**
 * Parses `name`, `schema.name`, `"My Schema"."Tab.le"` (doubled quotes inside quotes). Unquoted parts
 * are folded like PostgreSQL folds them: ASCII letters only, to lower case. A malformed name is a
 * LoadConfigError that shows it.
 */
export function parseQualifiedName(text: string): QualifiedName {
  const parts: string[] = [];
  let pos = skipSpace(text, 0);
  for (;;) {
    if (pos >= text.length) throw malformed(text, 'a name is missing');
    let part: string;
    if (text[pos] === '"') {
      [part, pos] = readQuoted(text, pos);
      if (part === '') throw malformed(text, 'a quoted name is empty');
    } else {
      const end = nextBoundary(text, pos);
      const raw = text.slice(pos, end);
      if (raw === '') throw malformed(text, 'a name is missing');
      if (!UNQUOTED.test(raw)) {
        throw malformed(text, `${JSON.stringify(raw)} must be quoted to be used as a name`);
      }
      part = raw.replace(/[A-Z]/g, (c) => c.toLowerCase());
      pos = end;
    }
    parts.push(part);
    pos = skipSpace(text, pos);
    if (pos >= text.length) break;
    if (text[pos] !== '.') throw malformed(text, `unexpected ${JSON.stringify(text[pos])}`);
    pos = skipSpace(text, pos + 1);
  }
  if (parts.length > 2) throw malformed(text, 'expected `name` or `schema.name`');
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { schema: null, name: parts[0]! };
}

/** Reads `"…"` at `start`; returns the unquoted content and the position after the closing quote. */
function readQuoted(text: string, start: number): [string, number] {
  let out = '';
  let pos = start + 1;
  for (;;) {
    const quote = text.indexOf('"', pos);
    if (quote < 0) throw malformed(text, 'a quoted name is not closed');
    out += text.slice(pos, quote);
    if (text[quote + 1] === '"') {
      out += '"';
      pos = quote + 2;
      continue;
    }
    return [out, quote + 1];
  }
}

function nextBoundary(text: string, pos: number): number {
  let end = pos;
  while (end < text.length && text[end] !== '.' && text[end] !== '"' && !/\s/.test(text[end]!)) end++;
  return end;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  return pos;
}

function malformed(text: string, why: string): LoadConfigError {
  return new LoadConfigError(`bad table name ${JSON.stringify(text)}: ${why}`);
}
