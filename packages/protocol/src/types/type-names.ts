/**
 * Type names as a catalog or a person writes them → the `typname` a registry is keyed by: `typname`
 * ('int4', '_int4'), SQL spellings ('integer', 'double precision', 'timestamp with time zone',
 * 'character varying'), type modifiers ('varchar(20)', 'numeric(10,2)'), array suffixes ('text[]',
 * 'integer[][]', 'integer array'), any case, optionally 'pg_catalog.'-qualified.
 *
 * A double-quoted name is an exact `typname`, as a quoted identifier is in SQL: bare `char` is SQL's
 * character (bpchar), `"char"` is the one-byte type, and `"_int4"` is int4's array type. A loader
 * passing a catalog's typname quotes it, so no SQL alias can capture it.
 */

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

/** A type name reduced to its element's typname, and whether it named that type's array type. */
export interface ParsedTypeName {
  readonly base: string;
  readonly array: boolean;
}

/** A quoted typname, with array suffixes if any (format_type writes `"char"[]`). */
const QUOTED = /^"([^"]+)"((?:\s*\[\d*\])*)$/;

/**
 * `name` in the form registries are keyed by: lower case, single spaces, no schema 'pg_catalog.', no
 * type modifiers; 'float(p)' becomes float4 or float8 by its precision, as the server maps it.
 */
export function parseTypeName(name: string): ParsedTypeName {
  let text = name.trim();
  if (text.toLowerCase().startsWith('pg_catalog.')) text = text.slice('pg_catalog.'.length);
  const quoted = QUOTED.exec(text);
  if (quoted !== null) {
    const typname = quoted[1]!;
    if (quoted[2] !== '') return { base: typname, array: true };
    return typname.startsWith('_')
      ? { base: typname.slice(1), array: true }
      : { base: typname, array: false };
  }
  text = text.toLowerCase().replace(/\s+/g, ' ');
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
