/**
 * Type name or OID → binary codec. COPY resolves one codec per column, once, through here; a type
 * without a codec is an UnsupportedTypeError up front (such columns need text COPY), never a
 * surprise mid-stream.
 *
 * Names are PostgreSQL's as a catalog or a person writes them: `typname` ('int4', '_int4'), SQL
 * spellings ('integer', 'double precision', 'timestamp with time zone', 'character varying'), type
 * modifiers ('varchar(20)', 'numeric(10,2)'), array suffixes ('text[]', 'integer[][]'), any case,
 * optionally 'pg_catalog.'-qualified. Types whose OIDs are assigned per database (enums, citext,
 * domains over text) are added with `register` / `registerTextType` on a registry of your own.
 */

import { HaulError } from '../../errors.ts';
import { intervalCodec } from '../interval/binary.ts';
import { cidrCodec, inetCodec } from '../network/binary.ts';
import { ArrayOid } from '../oids.ts';
import { arrayCodec } from './arrays.ts';
import { boolCodec } from './bool.ts';
import { byteaCodec } from './bytea.ts';
import type { BinaryCodec } from './codec.ts';
import { dateCodec, timeCodec, timestampCodec, timestamptzCodec } from './datetime.ts';
import { jsonbCodec, jsonCodec } from './json.ts';
import { float4Codec, float8Codec, int2Codec, int4Codec, int8Codec } from './numbers.ts';
import { numericCodec } from './numeric.ts';
import { bpcharCodec, citextCodec, nameCodec, textCodec, textLikeCodec, varcharCodec } from './text.ts';
import { uuidCodec } from './uuid.ts';

/** No binary codec for a type (by name or OID). `type` is what was asked for. */
export class UnsupportedTypeError extends HaulError {
  override name = 'UnsupportedTypeError';
  constructor(
    readonly type: string | number,
    message = `no binary codec for type ${typeof type === 'number' ? `OID ${type}` : `"${type}"`}`,
    /** The COPY column that needed it, when there is one. */
    readonly column?: string,
  ) {
    super(message);
  }
}

/** SQL spellings → typname. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['boolean', 'bool'],
  ['smallint', 'int2'],
  ['smallserial', 'int2'],
  ['integer', 'int4'],
  ['int', 'int4'],
  ['serial', 'int4'],
  ['bigint', 'int8'],
  ['bigserial', 'int8'],
  ['real', 'float4'],
  ['double precision', 'float8'],
  ['float', 'float8'],
  ['decimal', 'numeric'],
  ['character varying', 'varchar'],
  ['char varying', 'varchar'],
  ['character', 'bpchar'],
  ['char', 'bpchar'],
  ['time without time zone', 'time'],
  ['timestamp without time zone', 'timestamp'],
  ['timestamp with time zone', 'timestamptz'],
]);

const BUILTIN: readonly BinaryCodec[] = [
  boolCodec,
  int2Codec,
  int4Codec,
  int8Codec,
  float4Codec,
  float8Codec,
  numericCodec,
  textCodec,
  varcharCodec,
  bpcharCodec,
  nameCodec,
  byteaCodec,
  uuidCodec,
  dateCodec,
  timeCodec,
  timestampCodec,
  timestamptzCodec,
  intervalCodec,
  jsonCodec,
  jsonbCodec,
  inetCodec,
  cidrCodec,
];

/**
 * `name` in the form the maps are keyed by, and how many array levels it asked for: lower case,
 * single spaces, no schema 'pg_catalog.', no type modifiers; 'float(p)' becomes float4 or float8 by
 * its precision, as the server maps it.
 */
function normalize(name: string): { base: string; array: boolean } {
  let text = name.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text.startsWith('pg_catalog.')) text = text.slice('pg_catalog.'.length);
  const float = /^float\s*\(\s*(\d+)\s*\)/.exec(text);
  if (float !== null) text = (Number(float[1]) <= 24 ? 'float4' : 'float8') + text.slice(float[0].length);
  text = text.replace(/\s*\([^)]*\)/g, '');
  let array = false;
  const suffix = /(?:\s*\[\d*\])+$/.exec(text);
  if (suffix !== null) {
    array = true;
    text = text.slice(0, suffix.index);
  } else if (text.startsWith('_')) {
    array = true;
    text = text.slice(1);
  }
  // 'array' as a suffix ('integer array') is SQL's spelling of [].
  if (text.endsWith(' array')) {
    array = true;
    text = text.slice(0, -' array'.length);
  }
  return { base: ALIASES.get(text) ?? text, array };
}

/** Options for `BinaryCodecRegistry.register`. */
export interface RegisterBinaryOptions {
  /** The array type's OID (pg_type.typarray): arrays of this type get a codec too. */
  arrayOid?: number;
  /** More names to find the codec by (its `name` and, if non-zero, `oid` always work). */
  aliases?: readonly string[];
}

/** A set of binary codecs by name and OID: the built-ins, plus what is registered on this instance. */
export class BinaryCodecRegistry {
  private readonly byOid = new Map<number, BinaryCodec>();
  private readonly byName = new Map<string, BinaryCodec>();
  private readonly arrayOf = new Map<string, BinaryCodec>();
  private readonly frozen: boolean;

  /** A registry holding the built-in codecs (and those of `base`, if given), open to registration. */
  constructor(base?: BinaryCodecRegistry, frozen = false) {
    if (base !== undefined) {
      for (const [oid, codec] of base.byOid) this.byOid.set(oid, codec);
      for (const [name, codec] of base.byName) this.byName.set(name, codec);
      for (const [name, codec] of base.arrayOf) this.arrayOf.set(name, codec);
    } else {
      for (const codec of BUILTIN) {
        this.add(codec, (ArrayOid as Readonly<Record<string, number>>)[codec.name], []);
      }
      this.add(citextCodec, undefined, []);
    }
    this.frozen = frozen;
  }

  /** The codec for a type name (see the file comment for the forms accepted) or OID, if any. */
  get(type: string | number): BinaryCodec | undefined {
    if (typeof type === 'number') return this.byOid.get(type);
    if (/^\s*\d+\s*$/.test(type)) return this.byOid.get(Number(type));
    const { base, array } = normalize(type);
    return array ? this.arrayOf.get(base) : this.byName.get(base);
  }

  /** Like `get`, but throws UnsupportedTypeError naming the type when there is no codec. */
  resolve(type: string | number): BinaryCodec {
    const codec = this.get(type);
    if (codec !== undefined) return codec;
    const { base, array } = typeof type === 'string' ? normalize(type) : { base: '', array: false };
    if (array && this.byName.get(base)?.oid === 0) {
      throw new UnsupportedTypeError(
        type,
        `no binary codec for type "${type}": arrays of ${base} need its OIDs; register it with ` +
          `registerTextType('${base}', oid, arrayOid) from pg_type`,
      );
    }
    throw new UnsupportedTypeError(type);
  }

  /**
   * Adds (or replaces) a codec, found by its name, OID, and `options.aliases`; with
   * `options.arrayOid`, arrays of it too. OIDs of extension types and enums differ per database:
   * `select oid, typarray from pg_type where typname = …`.
   */
  register(codec: BinaryCodec, options: RegisterBinaryOptions = {}): void {
    if (this.frozen) {
      throw new TypeError(
        'the built-in binary codec registry is shared; register on a new BinaryCodecRegistry()',
      );
    }
    this.add(codec, options.arrayOid, options.aliases ?? []);
  }

  /** Registers a type whose binary format is its text: an enum, citext, a domain over text. */
  registerTextType(name: string, oid: number, arrayOid?: number): void {
    this.register(textLikeCodec(name, oid), arrayOid === undefined ? {} : { arrayOid });
  }

  private add(codec: BinaryCodec, arrayOid: number | undefined, aliases: readonly string[]): void {
    const names = [codec.name, ...aliases].map((name) => normalize(name).base);
    for (const name of names) this.byName.set(name, codec);
    if (codec.oid !== 0) this.byOid.set(codec.oid, codec);
    if (arrayOid !== undefined) {
      const array = arrayCodec(codec, arrayOid);
      this.byOid.set(arrayOid, array);
      for (const name of names) this.arrayOf.set(name, array);
    }
  }
}

/** The built-in codecs. Shared and read-only: register custom types on a `new BinaryCodecRegistry()`. */
export const builtinBinaryCodecs = new BinaryCodecRegistry(undefined, true);

/** The codec for a type name or OID in `registry` (the built-ins unless given), or undefined. */
export function binaryCodec(
  type: string | number,
  registry: BinaryCodecRegistry = builtinBinaryCodecs,
): BinaryCodec | undefined {
  return registry.get(type);
}
