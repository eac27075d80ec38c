/**
 * What an export reads: a table or a query, as a FROM item every partition's COPY can select from,
 * with its columns (from a `limit 0` run's field descriptions) and the partition key's type.
 */
import type { Connection } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import type { Relation } from '../schema/catalog.ts';
import { quoteIdent } from '../schema/identifiers.ts';

export interface SourceColumn {
  name: string;
  typeOid: number;
  /** The table and attnum the column comes straight from, or 0, 0. */
  tableOid: number;
  columnAttr: number;
}

export interface ExportSource {
  /** A FROM item: `"schema"."table"` or `(\n…query…\n)`, to be aliased `q`. */
  from: string;
  /** For messages: the table's name, or 'the query'. */
  label: string;
  columns: SourceColumn[];
}

export type KeyKind = 'integer' | 'numeric' | 'date' | 'timestamp' | 'ordered';

export interface PartitionKey {
  name: string;
  /** `q."name"`. */
  expression: string;
  /** The key's base type (domains resolved), without typmod: what bound literals are cast to. */
  castType: string;
  /** How bounds are found: even splits of min..max for numbers and times, quantiles for the rest. */
  kind: KeyKind;
  /** `collate "schema"."name"` when the key is a table column with a non-default collation, else ''. */
  collate: string;
}

export type SourceSpec = { table: string } | { query: string };

/** The FROM item and label of a source; a table's comes from its catalog row (readRelation). */
export function sourceFrom(spec: SourceSpec, relation: Relation | null): { from: string; label: string } {
  if ('table' in spec) {
    if (!relation) throw new Error('sourceFrom: a table source needs its relation');
    return { from: relation.qualified, label: relation.qualified };
  }
  // Own lines, so a trailing `-- comment` cannot swallow the closing parenthesis.
  return { from: `(\n${spec.query.replace(/[\s;]+$/, '')}\n)`, label: 'the query' };
}

/** The source's columns, from a `limit 0` run's field descriptions. */
export async function describeColumns(
  conn: Connection,
  from: string,
  signal: AbortSignal,
): Promise<SourceColumn[]> {
  const { fields } = await conn.query(`select * from ${from} q limit 0`, [], { signal });
  return fields.map((f) => ({
    name: f.name,
    typeOid: f.typeOid,
    tableOid: f.tableOid,
    columnAttr: f.columnAttr,
  }));
}

const KINDS: Record<string, KeyKind> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  oid: 'integer',
  numeric: 'numeric',
  float4: 'numeric',
  float8: 'numeric',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
};

const KEY_TYPE_SQL = `
with recursive chain(oid, basetype) as (
  select t.oid, t.typbasetype from pg_type t where t.oid = $1::oid
  union all
  select b.oid, b.typbasetype from chain c join pg_type b on b.oid = c.basetype where c.basetype <> 0
)
select b.typname as "baseName", format_type(b.oid, null) as "castType",
  (select 'collate ' || quote_ident(n.nspname) || '.' || quote_ident(co.collname)
   from pg_attribute a
   join pg_collation co on co.oid = a.attcollation
   join pg_namespace n on n.oid = co.collnamespace
   where a.attrelid = $2::oid and a.attnum = $3::int2 and co.collname <> 'default') as collate
from chain c join pg_type b on b.oid = c.oid
where c.basetype = 0`;

/** The key column `name` names (exactly, or ignoring case if only one matches) and how to split it. */
export async function describeKey(
  conn: Connection,
  source: ExportSource,
  name: string,
  signal: AbortSignal,
): Promise<PartitionKey> {
  const column = findKeyColumn(source, name);
  const { rows } = await conn.query<{ baseName: string; castType: string; collate: string | null }>(
    KEY_TYPE_SQL,
    [column.typeOid, column.tableOid, column.columnAttr],
    { signal },
  );
  const type = rows[0];
  if (!type) throw new LoadConfigError(`partitionOn: no type with OID ${column.typeOid}`);
  return {
    name: column.name,
    expression: `q.${quoteIdent(column.name)}`,
    castType: type.castType,
    kind: KINDS[type.baseName] ?? 'ordered',
    collate: type.collate ?? '',
  };
}

function findKeyColumn(source: ExportSource, name: string): SourceColumn {
  let matches = source.columns.filter((c) => c.name === name);
  if (matches.length === 0) {
    const lower = name.toLowerCase();
    matches = source.columns.filter((c) => c.name.toLowerCase() === lower);
  }
  if (matches.length === 1) return matches[0]!;
  const names = source.columns.map((c) => JSON.stringify(c.name)).join(', ');
  throw new LoadConfigError(
    matches.length === 0
      ? `partitionOn: ${source.label} has no column ${JSON.stringify(name)} (its columns: ${names})`
      : `partitionOn: ${source.label} has ${matches.length} columns named like ${JSON.stringify(name)}`,
  );
}
