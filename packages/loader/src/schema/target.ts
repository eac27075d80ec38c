/** A load's target as read from the catalog: what conversion, mapping and COPY need to know. */

export interface TargetColumn {
  /** Column name as stored (unquoted). */
  readonly name: string;
  /** 1-based attnum. */
  readonly position: number;
  readonly typeOid: number;
  /** `pg_type.typname`, e.g. 'int4', '_text', 'mood' for an enum. */
  readonly typeName: string;
  /** `format_type(atttypid, atttypmod)`, e.g. 'character varying(20)', 'numeric(10,2)', 'text[]'. */
  readonly formatType: string;
  /** -1 when none. */
  readonly typmod: number;
  /** `pg_type.typtype`: 'b' base, 'e' enum, 'd' domain, 'c' composite, 'r' range, 'm' multirange. */
  readonly typtype: string;
  /** For a domain, its base type's name (typname); else the same as typeName. */
  readonly baseTypeName: string;
  /** The base type's typtype: 'e' for a domain over an enum; else the same as typtype. */
  readonly baseTyptype: string;
  /** The typmod the base type's input applies: the column's, else its domain's; -1 for none. */
  readonly baseTypmod: number;
  /** For an array (or a domain over one), its element type's name (typname); else null. */
  readonly elementTypeName: string | null;
  /** The element type's OID, which binary array values carry in their header; else null. */
  readonly elementOid: number | null;
  /** For an array of a domain, the element domain's base type's name; else elementTypeName. */
  readonly elementBaseTypeName: string | null;
  /** That base type's typtype ('e' for an array of enums); null if not an array. */
  readonly elementBaseTyptype: string | null;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  /** 'a' (always) / 'd' (by default) identity, or ''. */
  readonly identity: string;
  /** True for a stored generated column: never written by COPY. */
  readonly generated: boolean;
}

export interface TargetTable {
  readonly schema: string;
  readonly name: string;
  /** `"schema"."name"`, quoted, ready for SQL. */
  readonly qualified: string;
  /** Every non-dropped column in attnum order, generated ones included (flagged). */
  readonly columns: readonly TargetColumn[];
}
