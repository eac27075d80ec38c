/**
 * The one type registry: OID or type name → everything Haul knows about the type, its text decoder
 * (query results), its binary codec (COPY in and out, binary values) and its FromText converter (a
 * loader's CSV text → binary COPY). Callers resolve once per column and reuse the answer for every
 * row. Custom types (enums, ranges, extension types, overrides of built-ins) are added with
 * `register`; names are read as type-names.ts describes.
 */

import { ConfigError } from '../errors.ts';
import { arrayCodec } from './arrays/binary.ts';
import { arrayConverter } from './arrays/from-text.ts';
import { arrayDecoder } from './arrays/text.ts';
import { builtinDefinitions } from './builtin-types.ts';
import type { FromText } from './from-text.ts';
import type { BinaryCodec } from './shared/codec.ts';
import { UnsupportedTypeError } from './shared/codec.ts';
import type { ConversionSession } from './shared/session.ts';
import { textLikeCodec } from './text/binary.ts';
import { textConverter } from './text/from-text.ts';
import { decodeText } from './text/text.ts';
import { parseTypeName } from './type-names.ts';

/**
 * Turns one field's text-format bytes, bytes[start, end), into a JS value. The bytes belong to the
 * DataRow and are reused once the row is done: a decoder must copy what it keeps (return a string,
 * number or fresh array, never a view of `bytes`). Never called for SQL NULL.
 */
export type FieldDecoder<T = unknown> = (bytes: Uint8Array, start: number, end: number) => T;

/** A FieldDecoder from a function of the field's text, e.g. an enum label → a union member. */
export function textDecoder<T>(parse: (text: string) => T): FieldDecoder<T> {
  return (bytes, start, end) => parse(decodeText(bytes, start, end));
}

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

/** A type as `register` takes it. Every part but the name and OID is optional. */
export interface TypeDefinition<T = unknown> {
  /** `typname`, e.g. 'mood'; the type is also found by it (and 'mood[]', '_mood' for its array). */
  readonly name: string;
  /** pg_type.oid; 0 when it is not known (the type is then found by name only, and has no array). */
  readonly oid: number;
  /** pg_type.typarray: values of that type decode and encode as arrays of this one. */
  readonly arrayOid?: number;
  /** pg_type.typdelim, the element separator in the array's text form; ',' unless given. */
  readonly delimiter?: string;
  /** More names to find the type by. */
  readonly aliases?: readonly string[];
  /** Text-format result values; without one, the value is its text. */
  readonly textDecode?: FieldDecoder<T>;
  /** The binary send/receive format; without one, COPY of the type needs text format. */
  readonly binary?: BinaryCodec;
  /** The field's text → its binary format, for the session; null or absent: none. */
  readonly fromText?: (session: ConversionSession) => FromText | null;
}

/** What the registry knows of one type, array types included. */
export interface TypeEntry {
  /** `typname`; '_' + the element's for an array type. */
  readonly name: string;
  /** 0 for a type known by name only. */
  readonly oid: number;
  readonly arrayOid: number | undefined;
  readonly delimiter: string;
  /** For an array type, its element type. */
  readonly element: TypeEntry | undefined;
  readonly textDecode: FieldDecoder;
  readonly binary: BinaryCodec | undefined;
  /** The FromText converter for a session, or null if the type has none. */
  fromText(session: ConversionSession): FromText | null;
}

/** An array type: its element type (an OID, or the definition of a type known by name only). */
interface ArrayShape {
  readonly element: number | TypeDefinition;
  readonly delimiter: string;
}

const DIGITS = /^\s*\d+\s*$/;
const noConverter = (): null => null;

export class TypeRegistry {
  readonly options: Readonly<TypeOptions>;
  private readonly byName = new Map<string, TypeDefinition>();
  private readonly byOid = new Map<number, TypeDefinition>();
  private readonly arrays = new Map<number, ArrayShape>();
  /** Entries built so far; array entries capture their element's, so any change clears them all. */
  private readonly entries = new Map<number | TypeDefinition, TypeEntry>();
  private changes = 0;
  private readonly frozen: boolean;

  /**
   * The built-in types with text decoders chosen by `options`, open to registration. `frozen` is for
   * the shared `builtinTypes`.
   */
  constructor(options: Partial<TypeOptions> = {}, frozen = false) {
    this.options = validOptions(options);
    for (const definition of builtinDefinitions(this.options)) this.add(definition);
    this.frozen = frozen;
  }

  /**
   * Counts registrations. A caller that caches decoders per column (per prepared statement) compares it
   * to drop plans made before a type was added or overridden.
   */
  get version(): number {
    return this.changes;
  }

  /** The type named `type` (any form type-names.ts reads, or an OID, also as digits), if known. */
  entry(type: string | number): TypeEntry | undefined {
    if (typeof type === 'number') return this.entryByOid(type);
    if (DIGITS.test(type)) return this.entryByOid(Number(type));
    const { base, array } = parseTypeName(type);
    const definition = this.byName.get(base);
    if (definition === undefined) return undefined;
    if (!array) return this.entryOf(definition);
    return definition.arrayOid === undefined ? undefined : this.entryByOid(definition.arrayOid);
  }

  /** The text decoder for a result column of type `oid`; unknown types (enums, domains…) decode as text. */
  decoder(oid: number): FieldDecoder {
    return this.entryByOid(oid)?.textDecode ?? decodeText;
  }

  /** The binary codec for a type, if it has one. */
  codec(type: string | number): BinaryCodec | undefined {
    return this.entry(type)?.binary;
  }

  /** Like `codec`, but throws UnsupportedTypeError naming the type when there is none. */
  resolveCodec(type: string | number): BinaryCodec {
    const codec = this.codec(type);
    if (codec !== undefined) return codec;
    const { base, array } = typeof type === 'string' ? parseTypeName(type) : { base: '', array: false };
    const element = array ? this.byName.get(base) : undefined;
    if (element !== undefined && element.oid === 0) {
      throw new UnsupportedTypeError(
        type,
        `no binary codec for type "${type}": arrays of ${base} need its OIDs; register it with ` +
          `registerTextType('${base}', oid, { arrayOid }) from pg_type`,
      );
    }
    throw new UnsupportedTypeError(type);
  }

  /** The FromText converter for a type in `session`, or null: such a column needs text COPY. */
  fromText(type: string | number, session: ConversionSession): FromText | null {
    return this.entry(type)?.fromText(session) ?? null;
  }

  /**
   * Adds a type, or changes one already known by that OID (or by that name, where one side has OID 0,
   * as citext before its OIDs are known): the parts given replace the known type's, the rest are kept,
   * so overriding numeric's text decoder keeps its binary codec and its array type. OIDs of enums and
   * extension types differ between databases: look them up in pg_type (`select oid, typarray,
   * typdelim from pg_type where typname = …`).
   */
  register<T>(definition: TypeDefinition<T>): void {
    this.assertOpen();
    const named = this.byName.get(definition.name);
    const known =
      (definition.oid !== 0 ? this.byOid.get(definition.oid) : undefined) ??
      (named !== undefined && (named.oid === 0 || definition.oid === 0) ? named : undefined);
    const merged: TypeDefinition = {
      ...known,
      ...withoutUndefined(definition),
      name: definition.name,
      oid: definition.oid,
    };
    if (merged.delimiter !== undefined && merged.delimiter.length !== 1) {
      throw new ConfigError(`array delimiter must be one character, not '${merged.delimiter}'`);
    }
    if (merged.arrayOid !== undefined && merged.arrayOid === merged.oid) {
      throw new ConfigError(`type ${merged.oid} cannot be an array of itself`);
    }
    this.add(merged);
    this.changed();
  }

  /**
   * Registers a type whose binary format is its text, an enum, citext or a domain over text: binary
   * COPY and the loader send its text as is (the server checks it), and results decode with
   * `options.textDecode` (text unless given).
   */
  registerTextType<T = string>(
    name: string,
    oid: number,
    options: Omit<TypeDefinition<T>, 'name' | 'oid' | 'binary' | 'fromText'> = {},
  ): void {
    this.register<T>({
      ...options,
      name,
      oid,
      binary: textLikeCodec(name, oid),
      fromText: () => textConverter(name),
    });
  }

  /** Decodes type `arrayOid` as arrays of `elementOid` values, split on `delimiter` (pg_type.typdelim). */
  registerArray(arrayOid: number, elementOid: number, delimiter = ','): void {
    this.assertOpen();
    if (delimiter.length !== 1)
      throw new ConfigError(`array delimiter must be one character, not '${delimiter}'`);
    if (arrayOid === elementOid) throw new ConfigError(`type ${arrayOid} cannot be an array of itself`);
    this.arrays.set(arrayOid, { element: elementOid, delimiter });
    this.changed();
  }

  private assertOpen(): void {
    if (this.frozen) {
      throw new TypeError('the built-in type registry is shared; register on a new TypeRegistry()');
    }
  }

  private add(definition: TypeDefinition): void {
    // The name is a typname, taken as is ("char" is not SQL's char); aliases are read as names.
    this.byName.set(definition.name, definition);
    for (const alias of definition.aliases ?? []) this.byName.set(parseTypeName(alias).base, definition);
    if (definition.oid !== 0) this.byOid.set(definition.oid, definition);
    if (definition.arrayOid !== undefined) {
      const element = definition.oid !== 0 ? definition.oid : definition;
      this.arrays.set(definition.arrayOid, { element, delimiter: definition.delimiter ?? ',' });
    }
  }

  private changed(): void {
    this.entries.clear();
    this.changes++;
  }

  private entryByOid(oid: number): TypeEntry | undefined {
    const cached = this.entries.get(oid);
    if (cached !== undefined) return cached;
    const definition = this.byOid.get(oid);
    if (definition !== undefined) return this.entryOf(definition);
    const shape = this.arrays.get(oid);
    if (shape === undefined) return undefined;
    const entry = arrayEntry(this.elementOf(shape), oid, shape.delimiter);
    this.entries.set(oid, entry);
    return entry;
  }

  private elementOf(shape: ArrayShape): TypeEntry {
    if (typeof shape.element !== 'number') return this.entryOf(shape.element);
    return this.entryByOid(shape.element) ?? scalarEntry({ name: String(shape.element), oid: shape.element });
  }

  private entryOf(definition: TypeDefinition): TypeEntry {
    const key = definition.oid !== 0 ? definition.oid : definition;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = scalarEntry(definition);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

function scalarEntry(definition: TypeDefinition): TypeEntry {
  return {
    name: definition.name,
    oid: definition.oid,
    arrayOid: definition.arrayOid,
    delimiter: definition.delimiter ?? ',',
    element: undefined,
    textDecode: definition.textDecode ?? decodeText,
    binary: definition.binary,
    fromText: definition.fromText ?? noConverter,
  };
}

/** Arrays of `element`: the binary format and the converter need the element's OID (array_recv checks it). */
function arrayEntry(element: TypeEntry, oid: number, delimiter: string): TypeEntry {
  const { binary } = element;
  const withOid = element.oid !== 0;
  const arrayBinary =
    binary !== undefined && withOid && binary.oid !== 0 ? arrayCodec(binary, oid) : undefined;
  return {
    name: `_${element.name}`,
    oid,
    arrayOid: undefined,
    delimiter: ',',
    element,
    textDecode: arrayDecoder(element.textDecode, delimiter),
    binary: arrayBinary,
    fromText(session) {
      const converter = withOid ? element.fromText(session) : null;
      return converter === null ? null : arrayConverter(converter, element.oid);
    },
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validOptions(options: Partial<TypeOptions>): Readonly<TypeOptions> {
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
  return Object.freeze(merged);
}

/** The built-in types with the default options. Shared and read-only: register on a `new TypeRegistry()`. */
export const builtinTypes = new TypeRegistry({}, true);
