/**
 * Splits the console's text into statements at top-level `;`, skipping over what may hold one:
 * 'strings' (with '' inside, and E'…' with backslash escapes), "identifiers", $tag$ dollar quotes $tag$,
 * -- line comments and nested /* block comments *\/. Statements that are only whitespace and
 * comments are dropped. Each keeps its offset in the text, to mark an error's position there.
 */

export interface SplitStatement {
  /** The statement's text, trimmed, without its `;`. */
  sql: string;
  /** Offset of `sql`'s first character in the whole text. */
  start: number;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

export function splitStatements(text: string): SplitStatement[] {
  const out: SplitStatement[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const push = (end: number) => {
    if (hasCode) {
      const raw = text.slice(start, end);
      const lead = raw.length - raw.trimStart().length;
      out.push({ sql: raw.trim(), start: start + lead });
    }
    hasCode = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(text, i);
    } else if (c === "'") {
      const backslashes = isEscapeString(text, i);
      i = skipQuoted(text, i, "'", backslashes);
      hasCode = true;
    } else if (c === '"') {
      i = skipQuoted(text, i, '"', false);
      hasCode = true;
    } else if (c === '$' && !isIdentifierChar(text[i - 1])) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(text)?.[0];
      if (tag) {
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length;
      } else {
        i++;
      }
      hasCode = true;
    } else if (c === ';') {
      push(i);
      i++;
      start = i;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  push(text.length);
  return out;
}

function skipBlockComment(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return text.length;
}

/** From an opening quote to just past its closing one; a doubled quote stays inside. */
function skipQuoted(text: string, from: number, quote: string, backslashes: boolean): number {
  let i = from + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslashes && c === '\\') i += 2;
    else if (c === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

/** E'…' (or e'…'), where a backslash escapes the next character. */
function isEscapeString(text: string, quoteAt: number): boolean {
  const prefix = text[quoteAt - 1];
  return (prefix === 'E' || prefix === 'e') && !isIdentifierChar(text[quoteAt - 2]);
}

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_\u0080-\uffff]/.test(c);
}
