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

import {
  CLOSE_CURLY,
  CLOSE_SQUARE,
  COLON,
  COMMA,
  JsonLexer,
  JsonParseError,
  MINUS,
  NINE,
  OPEN_CURLY,
  OPEN_SQUARE,
  QUOTE,
  ZERO,
} from './json-lexer.ts';

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
 * One JSON value, whitespace around it allowed: an object or array parsed one level deep (members
 * that are containers kept as JsonContainer), or a scalar. Throws JsonParseError, for a key the
 * object gives twice too when `uniqueKeys` (a row's own object: which value to load would be a guess;
 * inside a nested value the last one wins, as in jsonb).
 */
export function parseJsonText(text: string, uniqueKeys = true): JsonObject | JsonValue[] | JsonValue {
  return new LevelParser(text, uniqueKeys).top();
}
class LevelParser extends JsonLexer {
  constructor(
    text: string,
    private readonly uniqueKeys: boolean,
  ) {
    super(text);
  }

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
}
