/**
 * The tokens of JSON as PostgreSQL's JSON processing reads them: whitespace, literals, numbers (checked,
 * kept as text), strings (decoded, or only checked) with escapes held to what jsonb_in accepts. The
 * structure on top (objects, arrays, one level deep) is json-parser.ts's; this is the cursor it moves.
 */

import { SqlState } from '@haul/protocol';

/**
 * Why the text is not a JSON row: bad syntax, an escape PostgreSQL refuses (with its SQLSTATE), or (a
 * row's own object) a key given twice.
 */
export class JsonParseError extends Error {
  override name = 'JsonParseError';
  constructor(
    message: string,
    /** Offset in the text (UTF-16 units) where it went wrong. */
    readonly offset: number,
    readonly kind: 'syntax' | 'escape' | 'duplicate-key',
    readonly sqlstate?: string,
  ) {
    super(message);
  }
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
export const QUOTE = 0x22;
const PLUS = 0x2b;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
const DOT = 0x2e;
export const ZERO = 0x30;
export const NINE = 0x39;
export const COLON = 0x3a;
export const OPEN_SQUARE = 0x5b;
const BACKSLASH = 0x5c;
export const CLOSE_SQUARE = 0x5d;
export const OPEN_CURLY = 0x7b;
export const CLOSE_CURLY = 0x7d;

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/** A cursor over one JSON text; every method moves `at` past what it read or throws JsonParseError. */
export class JsonLexer {
  protected at = 0;
  /** Where the low surrogate escape that pairs with the last high one is (it was checked to be there). */
  private pairedLowAt = -1;
  constructor(protected readonly text: string) {}

  protected literal(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  protected number(): void {
    const text = this.text;
    if (text.charCodeAt(this.at) === MINUS) this.at++;
    const first = text.charCodeAt(this.at);
    if (first === ZERO) this.at++;
    else if (first > ZERO && first <= NINE) this.digits();
    else throw this.fail(`expected a digit, found ${this.found()}`);
    if (text.charCodeAt(this.at) === DOT) {
      this.at++;
      if (!this.digits()) throw this.fail(`expected a digit after '.', found ${this.found()}`);
    }
    const e = text.charCodeAt(this.at);
    if (e === 0x65 || e === 0x45) {
      this.at++;
      const sign = text.charCodeAt(this.at);
      if (sign === PLUS || sign === MINUS) this.at++;
      if (!this.digits()) throw this.fail(`expected a digit in the exponent, found ${this.found()}`);
    }
  }

  private digits(): boolean {
    const start = this.at;
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c < ZERO || c > NINE || Number.isNaN(c)) break;
      this.at++;
    }
    return this.at > start;
  }

  /** A string at the opening quote, decoded. */
  protected string(): string {
    const text = this.text;
    const start = ++this.at;
    for (let i = start; ; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.at = i + 1;
        return text.slice(start, i);
      }
      if (c === BACKSLASH) return this.escapedString(start, i);
      if (c < SPACE || Number.isNaN(c)) {
        this.at = i;
        throw this.controlOrEnd(c);
      }
    }
  }

  /** The slow path, from the first backslash on. */
  private escapedString(start: number, firstEscape: number): string {
    const text = this.text;
    let out = text.slice(start, firstEscape);
    let i = firstEscape;
    let runStart = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.at = i + 1;
        return out + text.slice(runStart, i);
      }
      if (c === BACKSLASH) {
        out += text.slice(runStart, i);
        this.at = i;
        const next = text.charCodeAt(i + 1);
        if (next === 0x75) {
          out += String.fromCharCode(this.unicodeEscape(i));
          i += 6;
        } else {
          const simple = SIMPLE_ESCAPES[next];
          if (simple === undefined) throw this.fail(`invalid escape ${JSON.stringify(text.slice(i, i + 2))}`);
          out += simple;
          i += 2;
        }
        runStart = i;
        continue;
      }
      if (c < SPACE || Number.isNaN(c)) {
        this.at = i;
        throw this.controlOrEnd(c);
      }
      i++;
    }
  }

  /**
   * The code unit of the `\uXXXX` at `at`, refused as PostgreSQL refuses it: `\u0000`, and a
   * surrogate escape that does not pair up (a high one must be followed at once by a low one).
   */
  private unicodeEscape(at: number): number {
    const unit = this.hex4(at + 2);
    if (unit === 0) {
      throw new JsonParseError(
        'unsupported Unicode escape sequence: \\u0000 cannot be converted to text',
        at,
        'escape',
        SqlState.UntranslatableCharacter,
      );
    }
    const text = this.text;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low =
        text.charCodeAt(at + 6) === BACKSLASH && text.charCodeAt(at + 7) === 0x75
          ? this.peekHex4(at + 8)
          : -1;
      if (low >= 0xd800 && low <= 0xdbff)
        throw this.escapeError(at + 6, 'Unicode high surrogate must not follow a high surrogate');
      if (low < 0xdc00 || low > 0xdfff)
        throw this.escapeError(at, 'Unicode low surrogate must follow a high surrogate');
      this.pairedLowAt = at + 6;
    } else if (unit >= 0xdc00 && unit <= 0xdfff && at !== this.pairedLowAt) {
      throw this.escapeError(at, 'Unicode low surrogate must follow a high surrogate');
    }
    return unit;
  }

  private escapeError(at: number, what: string): JsonParseError {
    const sequence = this.text.slice(at, at + 6);
    return new JsonParseError(
      `invalid input syntax for type json: ${what} (${sequence})`,
      at,
      'escape',
      SqlState.InvalidTextRepresentation,
    );
  }

  private peekHex4(from: number): number {
    const digits = this.text.slice(from, from + 4);
    return /^[0-9a-fA-F]{4}$/.test(digits) ? Number.parseInt(digits, 16) : -1;
  }

  private hex4(from: number): number {
    const digits = this.text.slice(from, from + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
      throw this.fail(`"\\u" must be followed by four hex digits, found ${JSON.stringify(digits)}`);
    }
    return Number.parseInt(digits, 16);
  }

  /** A string checked, not decoded (escape validity included; pairing of \u surrogates is the server's call). */
  protected skipString(): void {
    const text = this.text;
    let i = this.at + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.at = i + 1;
        return;
      }
      if (c === BACKSLASH) {
        this.at = i;
        const next = text.charCodeAt(i + 1);
        if (next === 0x75) {
          this.unicodeEscape(i);
          i += 6;
        } else if (SIMPLE_ESCAPES[next] !== undefined) i += 2;
        else throw this.fail(`invalid escape ${JSON.stringify(text.slice(i, i + 2))}`);
        continue;
      }
      if (c < SPACE || Number.isNaN(c)) {
        this.at = i;
        throw this.controlOrEnd(c);
      }
      i++;
    }
  }

  protected skipSpace(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.at);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return;
      this.at++;
    }
  }

  protected controlOrEnd(c: number): JsonParseError {
    if (Number.isNaN(c)) return this.fail('unterminated string');
    return this.fail(
      `the control character 0x${c.toString(16).padStart(2, '0')} must be escaped in a string`,
    );
  }

  protected found(): string {
    if (this.at >= this.text.length) return 'the end of the text';
    const code = this.text.codePointAt(this.at)!;
    return code >= 0x20 && code !== 0x7f
      ? `'${String.fromCodePoint(code)}'`
      : `U+${code.toString(16).padStart(4, '0')}`;
  }

  protected fail(message: string): JsonParseError {
    return new JsonParseError(message, this.at, 'syntax');
  }
}
