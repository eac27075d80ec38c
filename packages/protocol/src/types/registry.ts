/**
 * OID → decoder for text-format result columns. The connection asks once per column per
 * RowDescription and reuses the answer for every row; custom decoders (extension types, overrides of
 * built-ins) are registered here.
 */

import { ConfigError } from '../errors.ts';
import { arrayDecoder } from './arrays.ts';
import { decodeBool } from './bool.ts';
import { decodeBytea } from './bytea.ts';
import { decodeDate, decodeTimestamp, decodeTimestamptz } from './datetime.ts';
import { decodeJson } from './json.ts';
import {
  decodeFloat,
  decodeInt,
  decodeInt8AsBigInt,
  decodeInt8AsNumber,
  decodeInt8AsString,
  decodeNumeric,
} from './numbers.ts';
import { BOX_ARRAY_DELIMITER, builtinArrayElement, Oid } from './oids.ts';
import { decodeText } from './text.ts';

/**
 * Turns one field's text-format bytes, bytes[start, end), into a JS value. The bytes belong to the
 * DataRow and are reused once the row is done: a decoder must copy what it keeps (return a string,
 * number or fresh array, never a view of `bytes`). Never called for SQL NULL.
 */
export type FieldDecoder = (bytes: Uint8Array, start: number, end: number) => unknown;

/** How values with more than one sensible JS form are decoded. */
export interface TypeOptions {
  /**
   * int8: 'bigint' (default, exact), 'string' (exact decimal text), or 'number' (rounds beyond ±2^53;
   * only on request).
   */
  int8: 'bigint' | 'string' | 'number';
  /**
   * date, timestamp, timestamptz: 'date' (default) gives a Date (see datetime.ts for how each maps, and
   * ±Infinity for infinity), 'string' gives the server's text unchanged, keeping microseconds.
   */
  dates: 'date' | 'string';
  /**
   * json, jsonb: 'parsed' (default) gives JSON.parse's value, whose numbers are doubles (9007199254740993
   * comes back as …992, 1e999 as Infinity); 'string' gives the server's JSON text unchanged, every
   * number exact.
   */
  json: 'parsed' | 'string';
}

export const DEFAULT_TYPE_OPTIONS: Readonly<TypeOptions> = Object.freeze({
  int8: 'bigint',
  dates: 'date',
  json: 'parsed',
});

/** How a custom array type splits: its element type and that type's delimiter (pg_type.typdelim). */
interface ArrayShape {
  element: number;
  delimiter: string;
}

/** Options for registering a custom type's decoder. */
export interface RegisterOptions {
  /** The type's array OID (pg_type.typarray); its values decode as arrays of this decoder's results. */
  arrayOid?: number;
  /** The element delimiter in that array's literal (pg_type.typdelim); ',' unless given. */
  delimiter?: string;
}

export class TypeRegistry {
  readonly options: Readonly<TypeOptions>;
  private readonly custom = new Map<number, FieldDecoder>();
  private readonly customArrays = new Map<number, ArrayShape>();
  private readonly resolved = new Map<number, FieldDecoder>();
  private changes = 0;

  constructor(options: Partial<TypeOptions> = {}) {
    const merged = { ...DEFAULT_TYPE_OPTIONS, ...options };
    if (merged.int8 !== 'bigint' && merged.int8 !== 'string' && merged.int8 !== 'number') {
      throw new ConfigError(`types.int8 must be 'bigint', 'string' or 'number', not ${String(merged.int8)}`);
    }
    if (merged.dates !== 'date' && merged.dates !== 'string') {
      throw new ConfigError(`types.dates must be 'date' or 'string', not ${String(merged.dates)}`);
    }
    if (merged.json !== 'parsed' && merged.json !== 'string') {
      throw new ConfigError(`types.json must be 'parsed' or 'string', not ${String(merged.json)}`);
    }
    this.options = Object.freeze(merged);
  }

  /**
   * Counts registrations. A caller that caches decoders per column (per prepared statement) compares it
   * to drop plans made before a type was added or overridden.
   */
  get version(): number {
    return this.changes;
  }

  /** The decoder for a column of type `oid`; unknown OIDs (enums, domains over text, citext…) decode as text. */
  decoder(oid: number): FieldDecoder {
    let decoder = this.resolved.get(oid);
    if (decoder === undefined) {
      decoder = this.resolve(oid);
      this.resolved.set(oid, decoder);
    }
    return decoder;
  }

  /**
   * Uses `decoder` for type `oid` (replacing a built-in one if any), and for the elements of its array
   * type if `options.arrayOid` is given. OIDs of extension types differ between databases: look them up
   * in pg_type (`select oid, typarray, typdelim from pg_type where typname = …`).
   */
  register(oid: number, decoder: FieldDecoder, options: RegisterOptions = {}): void {
    this.custom.set(oid, decoder);
    if (options.arrayOid !== undefined) this.registerArray(options.arrayOid, oid, options.delimiter);
    this.changed();
  }

  /** Decodes type `arrayOid` as arrays of `elementOid` values, split on `delimiter` (pg_type.typdelim). */
  registerArray(arrayOid: number, elementOid: number, delimiter = ','): void {
    if (delimiter.length !== 1)
      throw new ConfigError(`array delimiter must be one character, not '${delimiter}'`);
    if (arrayOid === elementOid) throw new ConfigError(`type ${arrayOid} cannot be an array of itself`);
    this.customArrays.set(arrayOid, { element: elementOid, delimiter });
    this.changed();
  }

  private changed(): void {
    // Array decoders capture their element decoder, so any change can stale any of them: start over.
    this.resolved.clear();
    this.changes++;
  }

  private resolve(oid: number): FieldDecoder {
    const custom = this.custom.get(oid);
    if (custom !== undefined) return custom;
    const builtin = builtinDecoder(oid, this.options);
    if (builtin !== undefined) return builtin;
    const shape = this.customArrays.get(oid) ?? builtinArrayShape(oid);
    if (shape !== undefined) return arrayDecoder(this.decoder(shape.element), shape.delimiter);
    return decodeText;
  }
}

function builtinArrayShape(oid: number): ArrayShape | undefined {
  const element = builtinArrayElement(oid);
  if (element === undefined) return undefined;
  return { element, delimiter: element === Oid.box ? BOX_ARRAY_DELIMITER : ',' };
}

/** Decoders for built-in scalar types that are not plain text; undefined means text or an array. */
function builtinDecoder(oid: number, options: Readonly<TypeOptions>): FieldDecoder | undefined {
  switch (oid) {
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
      return decodeInt;
    case Oid.int8:
      if (options.int8 === 'string') return decodeInt8AsString;
      return options.int8 === 'number' ? decodeInt8AsNumber : decodeInt8AsBigInt;
    case Oid.float4:
    case Oid.float8:
      return decodeFloat;
    case Oid.numeric:
      return decodeNumeric;
    case Oid.bool:
      return decodeBool;
    case Oid.bytea:
      return decodeBytea;
    case Oid.json:
    case Oid.jsonb:
      return options.json === 'parsed' ? decodeJson : decodeText;
    case Oid.date:
      return options.dates === 'date' ? decodeDate : decodeText;
    case Oid.timestamp:
      return options.dates === 'date' ? decodeTimestamp : decodeText;
    case Oid.timestamptz:
      return options.dates === 'date' ? decodeTimestamptz : decodeText;
    default:
      return undefined;
  }
}
