/**
 * Reads a load's target from the system catalogs: the table (resolved like the server resolves a name
 * in SQL, through search_path when unqualified) and its columns with everything mapping, conversion
 * and COPY need. Needs PostgreSQL 12 or later (pg_attribute.attgenerated).
 */
import type { Connection } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import { parseQualifiedName, quoteIdent, quoteQualified } from './identifiers.ts';
import type { TargetColumn, TargetTable } from './target.ts';

/** Relation kinds whose rows can be read and, for tables, written: ordinary, partitioned, foreign, views. */
const READABLE_KINDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  f: 'foreign table',
  v: 'view',
  m: 'materialized view',
};

const OTHER_KINDS: Record<string, string> = {
  i: 'index',
  I: 'partitioned index',
  S: 'sequence',
  c: 'composite type',
  t: 'TOAST table',
};

const RELATION_SQL = `
select c.oid, n.nspname as schema, c.relname as name, c.relkind::text as kind
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.oid = to_regclass($1)`;

// Domains are followed down their typbasetype chain (a domain may be over another domain): the base
// type is what conversion needs, and a default or NOT NULL on any domain in the chain applies, and
// the first typmod one declares where the column has none (getBaseTypeAndTypmod's order). An
// array's element may be a domain too (an array of a domain): its chain gives the element's base.
const COLUMNS_SQL = `
select a.attname as name, a.attnum::int4 as position, a.atttypid as "typeOid",
  t.typname as "typeName", format_type(a.atttypid, a.atttypmod) as "formatType",
  a.atttypmod as typmod, t.typtype::text as typtype, base.typname as "baseTypeName",
  base.typtype::text as "baseTyptype",
  case when a.atttypmod <> -1 then a.atttypmod else coalesce(dom.typmod, -1) end as "baseTypmod",
  elem.typname as "elementTypeName", elem.oid as "elementOid",
  elem_base.typname as "elementBaseTypeName", elem_base.typtype::text as "elementBaseTyptype",
  a.attnotnull or dom.not_null as "notNull",
  a.atthasdef or dom.has_default as "hasDefault",
  a.attidentity::text as identity, a.attgenerated::text as generated
from pg_attribute a
join pg_type t on t.oid = a.atttypid
cross join lateral (
  with recursive chain(oid, basetype, has_default, not_null, typmod, depth) as (
    select t.oid, t.typbasetype, t.typdefaultbin is not null, t.typnotnull, t.typtypmod, 0
    union all
    select b.oid, b.typbasetype, b.typdefaultbin is not null, b.typnotnull, b.typtypmod, c.depth + 1
    from chain c join pg_type b on b.oid = c.basetype
    where c.basetype <> 0
  )
  select (select oid from chain where basetype = 0) as base_oid,
    (select typmod from chain where typmod <> -1 order by depth limit 1) as typmod,
    bool_or(has_default) as has_default, bool_or(not_null) as not_null
  from chain
) dom
join pg_type base on base.oid = dom.base_oid
left join pg_type elem on elem.oid = base.typelem and base.typlen = -1
left join lateral (
  with recursive chain(oid, basetype) as (
    select elem.oid, elem.typbasetype
    union all
    select b.oid, b.typbasetype from chain c join pg_type b on b.oid = c.basetype where c.basetype <> 0
  )
  select oid from chain where basetype = 0
) elem_dom on true
left join pg_type elem_base on elem_base.oid = elem_dom.oid
where a.attrelid = $1::oid and a.attnum > 0 and not a.attisdropped
order by a.attnum`;

interface ColumnRow {
  name: string;
  position: number;
  typeOid: number;
  typeName: string;
  formatType: string;
  typmod: number;
  typtype: string;
  baseTypeName: string;
  baseTyptype: string;
  baseTypmod: number;
  elementTypeName: string | null;
  elementOid: number | null;
  elementBaseTypeName: string | null;
  elementBaseTyptype: string | null;
  notNull: boolean;
  hasDefault: boolean;
  identity: string;
  generated: string;
}

/**
 * The table `table` names (`name`, `schema.name`, quoted parts allowed) with its columns in attnum
 * order, dropped ones left out, generated ones flagged.
 *
 * Beyond the plain catalog flags: `notNull` and `hasDefault` also count a NOT NULL or DEFAULT declared
 * on the column's domain, and `elementTypeName` is the element of the base type, so a domain over an
 * array has one. A missing table (or a name that is not a table or view) is a LoadConfigError naming it.
 */
export async function readTable(conn: Connection, table: string): Promise<TargetTable> {
  const relation = await readRelation(conn, table);
  const result = await conn.query<ColumnRow>(COLUMNS_SQL, [relation.oid]);
  return {
    schema: relation.schema,
    name: relation.name,
    qualified: relation.qualified,
    columns: result.rows.map(toTargetColumn),
  };
}

/** A readable relation found by name, without its columns (what an export needs). */
export interface Relation {
  oid: number;
  schema: string;
  name: string;
  /** `"schema"."name"`. */
  qualified: string;
}

/**
 * The relation `table` names, as readTable finds it (same errors), in one query that cannot fail
 * for a missing name (to_regclass), so a caller may pipeline statements before and after it.
 */
export async function readRelation(
  conn: Connection,
  table: string,
  options: { signal?: AbortSignal } = {},
): Promise<Relation> {
  const parsed = parseQualifiedName(table);
  const { rows } = await conn.query<{ oid: number; schema: string; name: string; kind: string }>(
    RELATION_SQL,
    [quoteQualified(parsed)],
    options.signal ? { signal: options.signal } : {},
  );
  const relation = rows[0];
  if (!relation) throw await missingTable(conn, table, parsed.schema === null);
  if (!(relation.kind in READABLE_KINDS)) {
    const kind = OTHER_KINDS[relation.kind] ?? `relation of kind '${relation.kind}'`;
    throw new LoadConfigError(`${table} is a ${kind}, not a table`);
  }
  const qualified = `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
  return { oid: relation.oid, schema: relation.schema, name: relation.name, qualified };
}

function toTargetColumn(row: ColumnRow): TargetColumn {
  return {
    name: row.name,
    position: row.position,
    typeOid: row.typeOid,
    typeName: row.typeName,
    formatType: row.formatType,
    typmod: row.typmod,
    typtype: row.typtype,
    baseTypeName: row.baseTypeName,
    baseTyptype: row.baseTyptype,
    baseTypmod: row.baseTypmod,
    elementTypeName: row.elementTypeName,
    elementOid: row.elementOid,
    elementBaseTypeName: row.elementBaseTypeName,
    elementBaseTyptype: row.elementBaseTyptype,
    notNull: row.notNull,
    hasDefault: row.hasDefault,
    identity: row.identity,
    // 's' stored; 'v' virtual (PostgreSQL 18). Neither can be written.
    generated: row.generated === 's' || row.generated === 'v',
  };
}

async function missingTable(conn: Connection, table: string, unqualified: boolean): Promise<LoadConfigError> {
  if (!unqualified) return new LoadConfigError(`table ${table} does not exist`);
  const { rows } = await conn.query<{ path: string }>(
    "select array_to_string(current_schemas(false), ', ') as path",
  );
  const path = rows[0]?.path ?? '';
  return new LoadConfigError(
    `table ${table} does not exist in the search path (${path === '' ? 'no schemas' : path}); ` +
      'qualify it as schema.name, quoting mixed-case names ("My Table")',
  );
}

export interface SessionSettings {
  /** The session's TimeZone, which text timestamps without an offset are read in. */
  timeZone: string;
  /** e.g. 150004 for 15.4. */
  serverVersionNum: number;
  /** IntervalStyle: under 'sql_standard' a leading '-' in interval text negates every field. */
  intervalStyle: string;
  /** lc_monetary: money text is read with this locale's symbols. */
  lcMonetary: string;
  /** 0 means PREPARE TRANSACTION is unavailable. */
  maxPreparedTransactions: number;
  /** CPU cores of the server; SQL cannot tell, so null unless a caller knows better. */
  cores: number | null;
}

/** What a load needs to know about the server and the session, in one round trip. */
export async function readSessionSettings(conn: Connection): Promise<SessionSettings> {
  const { rows } = await conn.query<{
    timeZone: string;
    version: number;
    intervalStyle: string;
    lcMonetary: string;
    prepared: number;
  }>(
    `select current_setting('TimeZone') as "timeZone",
       current_setting('server_version_num')::int4 as version,
       current_setting('IntervalStyle') as "intervalStyle",
       current_setting('lc_monetary') as "lcMonetary",
       current_setting('max_prepared_transactions')::int4 as prepared`,
  );
  const row = rows[0]!;
  return {
    timeZone: row.timeZone,
    serverVersionNum: row.version,
    intervalStyle: row.intervalStyle,
    lcMonetary: row.lcMonetary,
    maxPreparedTransactions: row.prepared,
    cores: null,
  };
}
