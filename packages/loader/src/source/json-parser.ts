/**
 * A JSON parser that loses nothing, for JSON sources (NDJSON lines, JSON array elements). JSON.parse
 * would round 9007199254740993 to …992, turn 1e999 into Infinity (stored as null) and -0 into 0; here a
 * number stays its source text (JsonNumber), so numeric, int8 and jsonb columns get every digit as
 * written, exactly as PostgreSQL's own input functions would read it. An object or array inside a row
 * stays the exact text the user wrote (JsonContainer): a json/jsonb column is sent those very bytes.
 *
 * A row is parsed one level deep: its keys (or elements) with their scalar values decoded; a nested
 * object or array is checked for syntax (without recursion, so no depth can overflow the stack) and
 * kept as text, parsed one level more only when its `value` is asked for (for a PostgreSQL array
 * column).
 *
 * Escapes are held to what PostgreSQL's own JSON processing accepts (jsonb_in, json_populate_record,
 * `->>`), in nested values too: a `\ud800` without its pair (22P02) and `\u0000` (22P05) refuse the
 * row, as the server refuses such a line. Only the json type, which stores text unparsed, would take
 * them; loading them there while every other target refuses would make a row's fate depend on which
 * column a value lands in.
 */

import { SqlState } from '@haul/protocol';

/** A JSON number as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A JSON object or array as written, whitespace and all; `value` is it parsed one level deep. */
export class JsonContainer {
  private parsed: JsonObject | JsonValue[] | undefined;
  constructor(readonly text: string) {}
  get isArray(): boolean {
    return this.text.charCodeAt(0) === OPEN_SQUARE;
  }
  get value(): JsonObject | JsonValue[] {
    this.parsed ??= parseJsonText(this.text, false) as JsonObject | JsonValue[];
    return this.parsed;
  }
  toString(): string {
    return this.text;
  }
}

/** A JSON value one level down: scalars decoded, containers kept as text. */
export type JsonValue = string | boolean | null | JsonNumber | JsonContainer;
/** An object's members (a `__proto__` key is an own key, as JSON.parse makes it). */
export type JsonObject = Record<string, JsonValue>;

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
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_SQUARE = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;

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

/**
 * One JSON value, whitespace around it allowed: an object or array parsed one level deep (members
 * that are containers kept as JsonContainer), or a scalar. Throws JsonParseError, for a key the
 * object gives twice too when `uniqueKeys` (a row's own object: which value to load would be a guess;
 * inside a nested value the last one wins, as in jsonb).
 */
export function parseJsonText(text: string, uniqueKeys = true): JsonObject | JsonValue[] | JsonValue {
  return new LevelParser(text, uniqueKeys).top();
}

class LevelParser {
  private at = 0;
  /** Where the low surrogate escape that pairs with the last high one is (it was checked to be there). */
  private pairedLowAt = -1;
  constructor(
    private readonly text: string,
    private readonly uniqueKeys: boolean,
  ) {}

  top(): JsonObject | JsonValue[] | JsonValue {
    this.skipSpace();
    const c = this.text.charCodeAt(this.at);
    let value: JsonObject | JsonValue[] | JsonValue;
    if (c === OPEN_CURLY) value = this.object();
    else if (c === OPEN_SQUARE) value = this.array();
    else value = this.member();
    this.skipSpace();
    if (this.at < this.text.length) throw this.fail(`unexpected ${this.found()} after the JSON value`);
    return value;
  }

  private object(): JsonObject {
    const out: JsonObject = {};
    this.at++;
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === CLOSE_CURLY) {
      this.at++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== QUOTE)
        throw this.fail(`expected a key (a string), found ${this.found()}`);
      const keyAt = this.at;
      const key = this.string();
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== COLON)
        throw this.fail(`expected ':' after a key, found ${this.found()}`);
      this.at++;
      const value = this.member();
      if (this.uniqueKeys && Object.hasOwn(out, key)) {
        throw new JsonParseError(`the key ${JSON.stringify(key)} appears twice`, keyAt, 'duplicate-key');
      }
      // A plain object (fast in V8, unlike a null-prototype one); `__proto__` is defined as an own
      // key so it sets no prototype, as JSON.parse has it.
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      } else out[key] = value;
      this.skipSpace();
      const c = this.text.charCodeAt(this.at);
      this.at++;
      if (c === COMMA) continue;
      if (c === CLOSE_CURLY) return out;
      this.at--;
      throw this.fail(`expected ',' or '}' after an object member, found ${this.found()}`);
    }
  }

  private array(): JsonValue[] {
    const out: JsonValue[] = [];
    this.at++;
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === CLOSE_SQUARE) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.member());
      this.skipSpace();
      const c = this.text.charCodeAt(this.at);
      this.at++;
      if (c === COMMA) continue;
      if (c === CLOSE_SQUARE) return out;
      this.at--;
      throw this.fail(`expected ',' or ']' after an array element, found ${this.found()}`);
    }
  }

  /** A value inside the level: a scalar decoded, a container checked and kept as its text. */
  private member(): JsonValue {
    this.skipSpace();
    const start = this.at;
    const c = this.text.charCodeAt(start);
    if (c === OPEN_CURLY || c === OPEN_SQUARE) {
      this.skipContainer();
      return new JsonContainer(this.text.slice(start, this.at));
    }
    if (c === QUOTE) return this.string();
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      this.number();
      return new JsonNumber(this.text.slice(start, this.at));
    }
    if (this.literal('true')) return true;
    if (this.literal('false')) return false;
    if (this.literal('null')) return null;
    throw this.fail(`expected a JSON value, found ${this.found()}`);
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(): void {
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
  private string(): string {
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

  /**
   * Steps over a whole object or array, checking its syntax, with an explicit stack of what is open
   * (true: an object) instead of recursion.
   */
  private skipContainer(): void {
    const text = this.text;
    const open: boolean[] = [];
    // At the start of a value (`expectValue`), or just after one.
    let expectValue = true;
    for (;;) {
      this.skipSpace();
      const c = text.charCodeAt(this.at);
      if (expectValue) {
        if (c === OPEN_CURLY || c === OPEN_SQUARE) {
          const object = c === OPEN_CURLY;
          open.push(object);
          this.at++;
          this.skipSpace();
          const close = text.charCodeAt(this.at);
          if (close === (object ? CLOSE_CURLY : CLOSE_SQUARE)) {
            this.at++;
            open.pop();
            expectValue = false;
          } else if (object) this.keyAndColon();
          if (open.length === 0) return;
          continue;
        }
        if (c === QUOTE) this.skipString();
        else if (c === MINUS || (c >= ZERO && c <= NINE)) this.number();
        else if (!(this.literal('true') || this.literal('false') || this.literal('null'))) {
          throw this.fail(`expected a JSON value, found ${this.found()}`);
        }
        expectValue = false;
        continue;
      }
      const object = open[open.length - 1]!;
      if (c === COMMA) {
        this.at++;
        if (object) this.keyAndColon();
        expectValue = true;
        continue;
      }
      if (c === (object ? CLOSE_CURLY : CLOSE_SQUARE)) {
        this.at++;
        open.pop();
        if (open.length === 0) return;
        continue;
      }
      throw this.fail(
        `expected ',' or '${object ? '}' : ']'}' after ${object ? 'an object member' : 'an array element'}, found ${this.found()}`,
      );
    }
  }

  private keyAndColon(): void {
    this.skipSpace();
    if (this.text.charCodeAt(this.at) !== QUOTE)
      throw this.fail(`expected a key (a string), found ${this.found()}`);
    this.skipString();
    this.skipSpace();
    if (this.text.charCodeAt(this.at) !== COLON)
      throw this.fail(`expected ':' after a key, found ${this.found()}`);
    this.at++;
  }

  /** A string checked, not decoded (escape validity included; pairing of \u surrogates is the server's call). */
  private skipString(): void {
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

  private skipSpace(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.at);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return;
      this.at++;
    }
  }

  private controlOrEnd(c: number): JsonParseError {
    if (Number.isNaN(c)) return this.fail('unterminated string');
    return this.fail(
      `the control character 0x${c.toString(16).padStart(2, '0')} must be escaped in a string`,
    );
  }

  private found(): string {
    if (this.at >= this.text.length) return 'the end of the text';
    const code = this.text.codePointAt(this.at)!;
    return code >= 0x20 && code !== 0x7f
      ? `'${String.fromCodePoint(code)}'`
      : `U+${code.toString(16).padStart(4, '0')}`;
  }

  private fail(message: string): JsonParseError {
    return new JsonParseError(message, this.at, 'syntax');
  }
}
