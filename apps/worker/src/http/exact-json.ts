/**
 * JSON with its numbers kept as written. JSON.parse turns every number into a double, so a request
 * body's 9007199254740993 arrives as …992 and 1e999 as Infinity before any code can look at it; this
 * reader gives each number as a JsonNumber holding its source text, and `stringifyExact` writes such
 * values back out with the numbers unchanged. Everything else matches JSON.parse (strings are decoded
 * by JSON.parse itself, `__proto__` is an own key, the last of duplicate keys wins).
 */

/** A JSON number as written in the source. */
export class JsonNumber {
  constructor(readonly source: string) {}

  /** The nearest double, as JSON.parse would give it (also what JSON.stringify writes). */
  toJSON(): number {
    return Number(this.source);
  }
}

/** The text is not JSON; `position` is the 0-based character offset of the problem. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

/** Nesting deeper than this is refused rather than risking the stack (a request has no need of it). */
export const MAX_DEPTH = 256;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonExact(text: string): unknown {
  const reader = new Reader(text);
  reader.skipSpace();
  const value = reader.value(0);
  reader.skipSpace();
  if (reader.pos < text.length) throw reader.unexpected();
  return value;
}

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  value(depth: number): unknown {
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }

  private object(depth: number): Record<string, unknown> {
    this.checkDepth(depth);
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') throw this.unexpected('expected a string key');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') throw this.unexpected("expected ':'");
      this.pos++;
      this.skipSpace();
      const value = this.value(depth);
      // As JSON.parse does: an own property, even for "__proto__".
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === '}') return out;
      if (next !== ',') throw this.unexpected("expected ',' or '}'", this.pos - 1);
      this.skipSpace();
    }
  }

  private array(depth: number): unknown[] {
    this.checkDepth(depth);
    this.pos++;
    const out: unknown[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === ']') return out;
      if (next !== ',') throw this.unexpected("expected ',' or ']'", this.pos - 1);
      this.skipSpace();
    }
  }

  /** Finds the closing quote and lets JSON.parse decode (and validate) the escapes in between. */
  private string(): string {
    const { text } = this;
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) throw new JsonSyntaxError('unterminated string', start);
      if (c === 0x22) break;
      i += c === 0x5c ? 2 : 1;
    }
    this.pos = i + 1;
    try {
      return JSON.parse(text.slice(start, i + 1)) as string;
    } catch {
      throw new JsonSyntaxError('bad string (an unescaped control character or a bad escape)', start);
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw this.unexpected();
    this.pos += word.length;
    return value;
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) throw this.unexpected();
    this.pos += match[0].length;
    return new JsonNumber(match[0]);
  }

  private checkDepth(depth: number): void {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`nested deeper than ${MAX_DEPTH} levels`, this.pos);
  }

  unexpected(what?: string, at = this.pos): JsonSyntaxError {
    const found = this.text[at];
    const token = found === undefined ? 'end of input' : `'${found}'`;
    return new JsonSyntaxError(what ? `${what}, found ${token}` : `unexpected ${token}`, at);
  }
}

/** JSON text for a value read by parseJsonExact: JsonNumbers as written, the rest as JSON.stringify. */
export function stringifyExact(value: unknown): string {
  if (value instanceof JsonNumber) return value.source;
  if (Array.isArray(value)) return `[${value.map(stringifyExact).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${stringifyExact(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Whether the double `source` (a JSON number) reads as prints back (String, as the protocol sends a
 * number) as the same decimal value: then passing the number passes the value written. Otherwise only
 * the text is exact (9007199254740993, 0.1000000000000000001, 1e999, 1e-400).
 */
export function printsBackExactly(source: string): boolean {
  const value = Number(source);
  if (!Number.isFinite(value)) return false;
  return canonicalDecimal(source) === canonicalDecimal(String(value));
}

/** `-?digits e exponent` with no leading or trailing zeros in the digits: equal values, equal text. */
function canonicalDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return text;
  const fraction = match[3] ?? '';
  let digits = (match[2]! + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  let exponent = Number(match[4] ?? 0) - fraction.length;
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${match[1]}${digits}e${exponent}`;
}
